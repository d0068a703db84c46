package io.spillway.processor.reservation;

import io.spillway.contract.CustomerId;
import io.spillway.contract.SaleId;

/**
 * A buyer in a sale: the key of what the buyer holds there, which the per-customer limit counts
 * across all the sale's items. A buyer's holdings in two sales are two keys and never add up.
 */
public record Holding(SaleId sale, CustomerId customer) {}
