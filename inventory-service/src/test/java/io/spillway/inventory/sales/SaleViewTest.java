package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.inventory.sales.SaleView.ItemView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaleViewTest {

    @Test
    void anItemIsSoldOutWhenClosedOrEmpty() {
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 10, 3, 0, false).soldOut()).isFalse();
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 10, 3, 0, true).soldOut()).isTrue();
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 10, 0, 0, false).soldOut()).isTrue();
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 0, 0, 0, false).soldOut()).isTrue();
        // Held units are not for sale: they may come back, and the processor then reopens the item.
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 10, 0, 4, false).soldOut()).isTrue();
        assertThat(ItemView.of(Sku.of("GA"), ItemKind.STOCK, 10, 2, 4, false).soldOut()).isFalse();
    }

    @Test
    void itemsAreInSkuOrder() {
        SaleView view = new SaleView(SaleId.of("s"), "n", Instant.EPOCH, 0, 1, List.of(
                ItemView.of(Sku.of("b"), ItemKind.STOCK, 1, 1, 0, false),
                ItemView.of(Sku.of("B"), ItemKind.STOCK, 1, 1, 0, false),
                ItemView.of(Sku.of("a"), ItemKind.SEATED, 1, 1, 0, false)));

        assertThat(view.items()).extracting(item -> item.sku().value()).containsExactly("B", "a", "b");
    }
}
