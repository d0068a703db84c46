package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import io.spillway.contract.problems.Problems;
import io.spillway.inventory.InventoryProperties;
import io.spillway.inventory.admin.AdminOnly;
import io.spillway.inventory.catalog.CatalogRelay;
import io.spillway.inventory.sales.rules.NewSale;
import io.spillway.inventory.sales.rules.NewSaleRules;
import io.spillway.inventory.sales.rules.SaleRequest;
import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/sales}: admins create sales, everyone reads them (CONTRACT.md, "Sales"). */
@RestController
class SalesController {

    private final SaleCatalog catalog;
    private final SaleViews views;
    private final String cacheControl;

    private final CatalogRelay relay;
    private final SaleControl control;

    SalesController(
            SaleCatalog catalog, SaleViews views, InventoryProperties settings, ObjectProvider<CatalogRelay> relay,
            SaleControl control) {
        this.catalog = catalog;
        this.control = control;
        this.views = views;
        this.relay = relay.getIfAvailable();
        // Shared caches may keep a view as long as this service does, and no longer.
        this.cacheControl = "public, max-age=" + settings.saleViewTtl().toSeconds();
    }

    @AdminOnly
    @PostMapping(path = "/api/v1/sales", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SaleView> create(@RequestBody SaleRequest request) {
        NewSale sale = switch (NewSaleRules.check(request)) {
            case NewSaleRules.Valid valid -> valid.sale();
            case NewSaleRules.Invalid invalid -> throw new InvalidSaleException(invalid.violations());
        };
        SaleView view = catalog.create(sale);
        views.forget(sale.saleId());
        if (relay != null) {
            // Not a second write: the relay publishes what is committed; waiting for it makes a 201
            // mean, in the usual case, that ingest-api can already take orders for the sale.
            relay.awaitPublished(sale.saleId());
        }
        return ResponseEntity.created(URI.create("/api/v1/sales/" + sale.saleId())).body(view);
    }

    @GetMapping("/api/v1/sales/{saleId}")
    ResponseEntity<SaleView> get(@PathVariable String saleId) {
        if (!SaleId.isValid(saleId)) {
            throw unknown(saleId);
        }
        SaleView view = views.find(SaleId.of(saleId)).orElseThrow(() -> unknown(saleId));
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, cacheControl).body(view);
    }

    /** Paused: the door answers 409 {@code sale-paused}; queued orders are still decided. Audited by {@link SaleControl}. */
    @PostMapping("/api/v1/sales/{saleId}/pause")
    ResponseEntity<SaleView> pause(@PathVariable String saleId) {
        return setPaused(saleId, true);
    }

    @PostMapping("/api/v1/sales/{saleId}/resume")
    ResponseEntity<SaleView> resume(@PathVariable String saleId) {
        return setPaused(saleId, false);
    }

    /** Closed: the door answers 409 {@code sale-closed}; every undecided order ends {@code SALE_CLOSED}. Audited by {@link SaleControl}. */
    @PostMapping("/api/v1/sales/{saleId}/close")
    ResponseEntity<SaleView> close(@PathVariable String saleId) {
        if (!SaleId.isValid(saleId) || !control.close(SaleId.of(saleId))) {
            throw unknown(saleId);
        }
        return fresh(saleId);
    }

    private ResponseEntity<SaleView> setPaused(String saleId, boolean paused) {
        if (!SaleId.isValid(saleId) || !control.setPaused(SaleId.of(saleId), paused)) {
            throw unknown(saleId);
        }
        return fresh(saleId);
    }

    private ResponseEntity<SaleView> fresh(String saleId) {
        views.forget(SaleId.of(saleId));
        SaleView view = views.find(SaleId.of(saleId)).orElseThrow(() -> unknown(saleId));
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(view);
    }

    private static ErrorResponseException unknown(String saleId) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND,
                Problems.of(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + "."), null);
    }
}
