package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import io.spillway.contract.problems.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A sale with this id exists already: 409. */
class SaleExistsException extends ErrorResponseException {

    SaleExistsException(SaleId saleId) {
        super(HttpStatus.CONFLICT,
                Problems.of(HttpStatus.CONFLICT, "sale-exists", "Sale exists", "Sale " + saleId + " exists already."),
                null);
    }
}
