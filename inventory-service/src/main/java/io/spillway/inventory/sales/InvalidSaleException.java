package io.spillway.inventory.sales;

import io.spillway.contract.problems.Violation;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The request broke {@link SaleRules}: 400 with every {@link Violation} in {@code errors}. */
class InvalidSaleException extends ErrorResponseException {

    static final URI TYPE = URI.create("urn:spillway:problem:invalid-request");

    InvalidSaleException(List<Violation> violations) {
        super(HttpStatus.BAD_REQUEST, problem(violations), null);
    }

    private static ProblemDetail problem(List<Violation> violations) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The sale is not valid.");
        problem.setType(TYPE);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", violations);
        return problem;
    }
}
