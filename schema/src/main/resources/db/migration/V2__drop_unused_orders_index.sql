-- orders_by_sale_customer served no query: the processor reads orders by order_id only, and the
-- per-customer limit is kept in customer_holdings. Every decided order still paid for it, an
-- index entry and its WAL inside the decision's transaction. A support lookup of one buyer's
-- orders can create it again, CONCURRENTLY, after the sale.
-- DROP INDEX takes a short exclusive lock on orders: migrate between sales (docs/operations.md).
DROP INDEX IF EXISTS orders_by_sale_customer;
