-- The spillway database. inventory-service writes sales, items and seats; order-processor
-- reserves stock and seats and records every decision. Every row that two writers can race on
-- carries a version column: writers update it with "... WHERE version = :read" and re-read on a miss.

CREATE TABLE sales (
    sale_id            VARCHAR(64)  PRIMARY KEY,
    name               VARCHAR(200) NOT NULL,
    opens_at           TIMESTAMPTZ  NOT NULL,
    per_customer_limit INTEGER      NOT NULL CHECK (per_customer_limit > 0),
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    version            BIGINT       NOT NULL DEFAULT 0
);

-- kind STOCK: total/available count units. kind SEATED: total/available count free seats, and the
-- seats table holds each one. sold_out is set when an order did not fit: from then on the item is
-- closed to every later order, which keeps first come, first served (CONTRACT.md, guarantee 4).
CREATE TABLE items (
    sale_id   VARCHAR(64) NOT NULL REFERENCES sales (sale_id),
    sku       VARCHAR(64) NOT NULL,
    kind      VARCHAR(8)  NOT NULL CHECK (kind IN ('STOCK', 'SEATED')),
    total     INTEGER     NOT NULL CHECK (total >= 0),
    available INTEGER     NOT NULL CHECK (available >= 0 AND available <= total),
    sold_out  BOOLEAN     NOT NULL DEFAULT FALSE,
    version   BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (sale_id, sku)
);

CREATE TABLE seats (
    sale_id  VARCHAR(64) NOT NULL,
    sku      VARCHAR(64) NOT NULL,
    seat_id  VARCHAR(64) NOT NULL,
    ordinal  INTEGER     NOT NULL,
    order_id UUID,
    version  BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (sale_id, sku, seat_id),
    FOREIGN KEY (sale_id, sku) REFERENCES items (sale_id, sku)
);
CREATE UNIQUE INDEX seats_by_ordinal ON seats (sale_id, sku, ordinal);

-- One row per decided order, written in the same transaction as the stock or seats it took; the
-- primary key is what makes a redelivered order a replay of its first decision.
CREATE TABLE orders (
    order_id       UUID        PRIMARY KEY,
    customer_id    VARCHAR(64) NOT NULL,
    sale_id        VARCHAR(64) NOT NULL,
    sku            VARCHAR(64) NOT NULL,
    quantity       INTEGER     NOT NULL CHECK (quantity > 0),
    seats          TEXT[]      NOT NULL DEFAULT '{}',
    status         VARCHAR(16) NOT NULL CHECK (status IN ('CONFIRMED', 'REJECTED')),
    reason         VARCHAR(32),
    requested_at   TIMESTAMPTZ NOT NULL,
    decided_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT      NOT NULL DEFAULT 0,
    CHECK ((status = 'REJECTED') = (reason IS NOT NULL))
);
CREATE INDEX orders_by_sale_customer ON orders (sale_id, customer_id);

-- What each buyer holds in a sale, across its items: the per-customer limit is checked and raised
-- here, under its own version, because one buyer's orders for different items are decided in
-- different partitions, possibly by different processors at once.
CREATE TABLE customer_holdings (
    sale_id     VARCHAR(64) NOT NULL REFERENCES sales (sale_id),
    customer_id VARCHAR(64) NOT NULL,
    quantity    INTEGER     NOT NULL CHECK (quantity >= 0),
    version     BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (sale_id, customer_id)
);
