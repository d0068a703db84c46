package io.spillway.inventory.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Starts a sale's CSV export: the body is written on Spring MVC's async executor after the
 * controller returned, straight from the database cursor to the response.
 *
 * <p>Limits: an export that fails midway ends the response early (the status is already sent); the
 * CSV then lacks rows, which the reader sees as a truncated file and the log records.
 */
@Component
class OrderExports {

    private static final Logger log = LoggerFactory.getLogger(OrderExports.class);

    private final SaleOrders orders;

    OrderExports(SaleOrders orders) {
        this.orders = orders;
    }

    StreamingResponseBody start(String saleId) {
        return body -> {
            long rows = orders.export(saleId, body);
            log.info("exported {} orders of sale {}", rows, saleId);
        };
    }
}
