-- Fair opening (issue 17, docs/opening.md): a sale may take orders into a pre-queue from
-- prequeue_opens_at; at opens_at each item's pre-queue is decided first, in draw order, then later
-- orders in arrival order. New nullable columns and new tables change only the catalogue.

-- draw_seed: 32 random bytes fixed at creation (NULL for sales created before V4: no draw). Its
-- SHA-256 is the public commitment; the seed itself is shown once draw_revealed_at is set, when
-- every pre-queue order of the sale is decided. Never log it.
ALTER TABLE sales
    ADD COLUMN prequeue_opens_at TIMESTAMPTZ,
    ADD COLUMN opening_order     VARCHAR(8) NOT NULL DEFAULT 'FIFO'
        CHECK (opening_order IN ('FIFO', 'SHUFFLED')),
    ADD COLUMN draw_seed         BYTEA CHECK (draw_seed IS NULL OR octet_length(draw_seed) = 32),
    ADD COLUMN draw_revealed_at  TIMESTAMPTZ,
    ADD CONSTRAINT sales_prequeue_before_opening
        CHECK (prequeue_opens_at IS NULL OR prequeue_opens_at < opens_at) NOT VALID;
ALTER TABLE sales VALIDATE CONSTRAINT sales_prequeue_before_opening;

-- Orders of an item whose opening is not decided yet, parked by the owner of their line in the
-- poll's transaction (the offsets are committed after). prequeue: accepted before opens_at. The
-- request is kept as the processor read it, so the drain decides exactly that order. seq: the
-- order of parking, which is the line's order (a poll parks in partition order, polls follow each
-- other on the line's one thread; a redelivered order keeps its first row).
CREATE TABLE parked_orders (
    order_id    UUID PRIMARY KEY,
    sale_id     VARCHAR(64) NOT NULL,
    sku         VARCHAR(64) NOT NULL,
    line        SMALLINT    NOT NULL,
    seq         BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
    prequeue    BOOLEAN     NOT NULL,
    draw_key    BYTEA       NOT NULL,
    request     BYTEA       NOT NULL,
    parked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (sale_id, sku) REFERENCES items (sale_id, sku)
);
CREATE INDEX parked_orders_by_line ON parked_orders (line, sale_id, sku);
CREATE INDEX parked_orders_by_item ON parked_orders (sale_id, sku, seq);

-- One row per item whose pre-queue was drawn (drawn_at) and, later, whose parked orders are all
-- decided (drained_at): from then on the item's orders are decided as they come.
CREATE TABLE openings (
    sale_id    VARCHAR(64) NOT NULL,
    sku        VARCHAR(64) NOT NULL,
    drawn_at   TIMESTAMPTZ NOT NULL,
    drained_at TIMESTAMPTZ,
    PRIMARY KEY (sale_id, sku),
    FOREIGN KEY (sale_id, sku) REFERENCES items (sale_id, sku)
);

-- The draw as made: per item, each pre-queue order's place (from 0) and key. Kept after the orders
-- are decided: GET /api/v1/sales/{saleId}/draw answers from it (keys and outcomes, never order ids).
CREATE TABLE draws (
    sale_id    VARCHAR(64) NOT NULL,
    sku        VARCHAR(64) NOT NULL,
    place      INTEGER     NOT NULL CHECK (place >= 0),
    draw_key   BYTEA       NOT NULL,
    order_id   UUID        NOT NULL UNIQUE,
    PRIMARY KEY (sale_id, sku, place),
    FOREIGN KEY (sale_id, sku) REFERENCES items (sale_id, sku)
);
