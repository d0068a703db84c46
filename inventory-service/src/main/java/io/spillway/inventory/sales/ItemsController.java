package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.catalog.CatalogRelay;
import io.spillway.inventory.sales.ItemAdditions.Added;
import io.spillway.inventory.sales.ItemAdditions.Closed;
import io.spillway.inventory.sales.ItemAdditions.KeyReused;
import io.spillway.inventory.sales.ItemAdditions.Outcome;
import io.spillway.inventory.sales.ItemAdditions.Repeated;
import io.spillway.inventory.sales.ItemAdditions.SeatsExist;
import io.spillway.inventory.sales.ItemAdditions.TooLarge;
import io.spillway.inventory.sales.ItemAdditions.UnknownItem;
import io.spillway.inventory.sales.ItemAdditions.UnknownSale;
import io.spillway.inventory.sales.ItemAdditions.WrongKind;
import io.spillway.inventory.sales.rules.ItemAdditionRules;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PATCH /api/v1/sales/{saleId}/items/{sku}}: more stock or seats for an item (admins only, by
 * the security filter on {@code /api/**}; audited by {@link ItemAdditions}). Answers {@code 200} with
 * the sale's fresh view; {@code 400} for a body that is wrong on its own, {@code 404} for an unknown
 * sale or item, {@code 409} for an addition the item cannot take, {@code 422} for an
 * {@code Idempotency-Key} reused with another body. Every refusal changes nothing.
 */
@RestController
class ItemsController {

    private final ItemAdditions additions;
    private final SaleViews views;
    private final CatalogRelay relay;

    ItemsController(ItemAdditions additions, SaleViews views, ObjectProvider<CatalogRelay> relay) {
        this.additions = additions;
        this.views = views;
        this.relay = relay.getIfAvailable();
    }

    @PatchMapping(path = "/api/v1/sales/{saleId}/items/{sku}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SaleView> add(
            @PathVariable String saleId,
            @PathVariable String sku,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody(required = false) ItemAdditionRules.Request request) {
        if (idempotencyKey != null && !idempotencyKey.matches("[\\x21-\\x7E]{1,64}")) {
            throw invalid(List.of(new Violation("Idempotency-Key", "must be 1-64 printable ASCII characters")));
        }
        ItemAdditionRules.Addition addition = switch (ItemAdditionRules.check(request)) {
            case ItemAdditionRules.Valid valid -> valid.addition();
            case ItemAdditionRules.Invalid invalid -> throw invalid(invalid.violations());
        };
        if (!SaleId.isValid(saleId)) {
            throw problem(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + ".");
        }
        if (!Sku.isValid(sku)) {
            throw unknownItem(saleId, sku);
        }
        Outcome outcome = additions.add(SaleId.of(saleId), Sku.of(sku), addition, request, idempotencyKey);
        switch (outcome) {
            case Added added -> { }
            case Repeated repeated -> { }
            case UnknownSale unknown ->
                    throw problem(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + ".");
            case UnknownItem unknown -> throw unknownItem(saleId, sku);
            case Closed closed -> throw problem(HttpStatus.CONFLICT, "sale-closed", "Sale closed",
                    "The sale is closed: nothing added to it could be sold.");
            case WrongKind wrong -> throw problem(HttpStatus.CONFLICT, "wrong-item-kind", "Wrong kind of item",
                    "Item " + sku + " is sold by " + (wrong.kind() == io.spillway.contract.ItemKind.SEATED
                            ? "seat: add seats with addSeats." : "count: add stock with addStock."));
            case TooLarge large -> throw problem(HttpStatus.CONFLICT, "item-too-large", "Item too large",
                    "Item " + sku + " has " + large.total() + "; it may not grow beyond " + large.largest() + ".");
            case SeatsExist exist -> throw problem(HttpStatus.CONFLICT, "seat-exists", "Seat exists",
                    "Item " + sku + " already has seats " + String.join(", ", exist.seats()) + ".");
            case KeyReused reused -> throw problem(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                    "Idempotency-Key reused", "This Idempotency-Key was used for another addition to this item.");
        }
        if (outcome instanceof Added && relay != null) {
            // As after creating a sale: a 200 then usually means every door knows the new seats.
            relay.awaitPublished(SaleId.of(saleId));
        }
        views.forget(SaleId.of(saleId));
        SaleView view = views.find(SaleId.of(saleId)).orElseThrow();
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(view);
    }

    private static ErrorResponseException unknownItem(String saleId, String sku) {
        return problem(HttpStatus.NOT_FOUND, "unknown-item", "Unknown item", "Sale " + saleId + " has no item " + sku + ".");
    }

    private static ErrorResponseException invalid(List<Violation> violations) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST,
                Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "The addition is not valid.", violations),
                null);
    }

    private static ErrorResponseException problem(HttpStatus status, String type, String title, String detail) {
        return new ErrorResponseException(status, Problems.of(status, type, title, detail), null);
    }
}
