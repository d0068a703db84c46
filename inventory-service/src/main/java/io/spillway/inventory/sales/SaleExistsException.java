package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A sale with this id exists already: 409. */
class SaleExistsException extends ErrorResponseException {

    static final URI TYPE = URI.create("urn:spillway:problem:sale-exists");

    SaleExistsException(SaleId saleId) {
        super(HttpStatus.CONFLICT, problem(saleId), null);
    }

    private static ProblemDetail problem(SaleId saleId) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Sale " + saleId + " exists already.");
        problem.setType(TYPE);
        problem.setTitle("Sale exists");
        return problem;
    }
}
