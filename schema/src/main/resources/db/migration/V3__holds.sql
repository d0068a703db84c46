-- Holds (issue 16, docs/design/holds.md). A confirmed order of a sale with hold_seconds > 0 is held
-- until hold_expires_at, then ends PAID, EXPIRED or CANCELLED once, and what it held goes back to
-- its item's line. Payments and cancellations arrive on orders.commands; the processor's command
-- intake stores them here and the owner of the order's line decides them.
--
-- New nullable columns and dropped NOT NULLs change only the catalogue. The checks are added
-- NOT VALID and validated afterwards, which scans without blocking writes. Still: migrate between
-- sales (docs/operations.md).

ALTER TABLE sales ADD COLUMN hold_seconds INTEGER NOT NULL DEFAULT 0
    CHECK (hold_seconds BETWEEN 0 AND 86400);

-- held: units (or seats) of confirmed orders still held for payment; available excludes them.
ALTER TABLE items ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0);
ALTER TABLE items ADD CONSTRAINT items_live CHECK (available + held <= total) NOT VALID;
ALTER TABLE items VALIDATE CONSTRAINT items_live;

-- line: the partition of orders.requested whose owner decided the order, and so owns its hold.
-- A cancel that reaches the processor before its order inserts a CANCELLED row without the order's
-- fields (the primary key then makes the decision's insert fail and retry as a replay); the
-- decision's retry fills them in.
ALTER TABLE orders
    ADD COLUMN line            SMALLINT,
    ADD COLUMN hold_expires_at TIMESTAMPTZ,
    ADD COLUMN ended_at        TIMESTAMPTZ,
    ADD COLUMN payment_ref     VARCHAR(128),
    ALTER COLUMN customer_id  DROP NOT NULL,
    ALTER COLUMN sale_id      DROP NOT NULL,
    ALTER COLUMN sku          DROP NOT NULL,
    ALTER COLUMN quantity     DROP NOT NULL,
    ALTER COLUMN requested_at DROP NOT NULL,
    DROP CONSTRAINT orders_status_check,
    ADD CONSTRAINT orders_status_check
        CHECK (status IN ('CONFIRMED', 'REJECTED', 'PAID', 'EXPIRED', 'CANCELLED')) NOT VALID,
    ADD CONSTRAINT orders_item_known
        CHECK (status = 'CANCELLED' OR (customer_id IS NOT NULL AND sale_id IS NOT NULL AND sku IS NOT NULL
            AND quantity IS NOT NULL AND requested_at IS NOT NULL)) NOT VALID,
    ADD CONSTRAINT orders_ended
        CHECK ((ended_at IS NOT NULL) = (status IN ('PAID', 'EXPIRED', 'CANCELLED'))) NOT VALID,
    ADD CONSTRAINT orders_paid_ref CHECK ((payment_ref IS NOT NULL) = (status = 'PAID')) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;
ALTER TABLE orders VALIDATE CONSTRAINT orders_item_known;
ALTER TABLE orders VALIDATE CONSTRAINT orders_ended;
ALTER TABLE orders VALIDATE CONSTRAINT orders_paid_ref;

-- Arrival order across both inboxes: a payment and a cancel of one order are taken in it.
CREATE SEQUENCE command_seq;

-- One row per paymentRef (the same reference pays once) and per command id (the same
-- Idempotency-Key pays once). outcome is null while the line's owner has not decided it.
CREATE TABLE payments (
    payment_ref  VARCHAR(128) PRIMARY KEY,
    command_id   UUID         NOT NULL UNIQUE,
    order_id     UUID         NOT NULL,
    accepted_at  TIMESTAMPTZ  NOT NULL,
    received_seq BIGINT       NOT NULL DEFAULT nextval('command_seq'),
    outcome      VARCHAR(16)  CHECK (outcome IN ('PAID', 'TOO_LATE', 'NOT_HELD')),
    decided_at   TIMESTAMPTZ,
    CHECK ((outcome IS NULL) = (decided_at IS NULL))
);
CREATE INDEX payments_pending ON payments (order_id) WHERE outcome IS NULL;

-- One cancel per order is all there is.
CREATE TABLE cancels (
    order_id     UUID        PRIMARY KEY,
    accepted_at  TIMESTAMPTZ NOT NULL,
    received_seq BIGINT      NOT NULL DEFAULT nextval('command_seq'),
    outcome      VARCHAR(16) CHECK (outcome IN ('CANCELLED', 'IGNORED')),
    decided_at   TIMESTAMPTZ,
    CHECK ((outcome IS NULL) = (decided_at IS NULL))
);
CREATE INDEX cancels_pending ON cancels (order_id) WHERE outcome IS NULL;

-- How far the command intake has stored each partition of orders.commands: every command appended
-- at or before routed_through is in payments or cancels. A hold expires only once its deadline plus
-- the payment grace is behind the smallest of them, so a payment accepted in time always wins.
CREATE TABLE command_watermarks (
    topic_partition INTEGER     PRIMARY KEY,
    routed_through  TIMESTAMPTZ NOT NULL
);

-- Events a hold step (or the intake) decided, written in the same transaction and deleted once the
-- broker acknowledged them: a crash in between publishes them again, never loses them.
CREATE TABLE results_outbox (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line       SMALLINT,
    order_id   UUID        NOT NULL,
    event      BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX results_outbox_by_line ON results_outbox (line, seq);

-- The due holds of a line, in deadline order: one entry per *held* confirmation, none for sales
-- without a hold (which pay nothing for it). Not CONCURRENTLY: Flyway's transactional lock and a
-- concurrent build wait for each other; the build is a scan of orders, between sales.
CREATE INDEX orders_open_holds ON orders (line, hold_expires_at)
    WHERE status = 'CONFIRMED' AND hold_expires_at IS NOT NULL;
