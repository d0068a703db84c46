package io.spillway.inventory.sales;

import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.sales.rules.NewSaleRules;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** The request broke {@link NewSaleRules}: 400 with every {@link Violation} in {@code errors}. */
class InvalidSaleException extends ErrorResponseException {

    InvalidSaleException(List<Violation> violations) {
        super(HttpStatus.BAD_REQUEST,
                Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "The sale is not valid.", violations),
                null);
    }
}
