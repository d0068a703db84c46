-- Stock or seats added to an item of a running sale (issue 19, docs/admin.md, "Adding stock or
-- seats"). inventory-service changes the item row and records the addition here, in one transaction
-- with its audit entry: items.total and items.available grow by `units` (relative updates, so a
-- decision of the processor committed meanwhile is kept), sold_out is cleared, and a seated item's
-- new seats get the ordinals after its last one. The item row's lock and version place the addition
-- at one definite point of the item's line: the processor's version-guarded write of a poll that
-- read the row before it fails and decides that poll again from the new state.
--
-- The catalogue relay reads how many additions each sale has: a sale with new ones is published
-- again (with its seated items' seat chunks) so that every door knows the new seats.
-- idempotency_key: an optional Idempotency-Key of the request; a retry with the same key for the
-- same item adds nothing a second time.
CREATE TABLE item_additions (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id         VARCHAR(64)  NOT NULL,
    sku             VARCHAR(64)  NOT NULL,
    units           INTEGER      NOT NULL CHECK (units > 0),
    first_ordinal   INTEGER      CHECK (first_ordinal >= 0),
    idempotency_key VARCHAR(64),
    request         JSONB        NOT NULL,
    actor           VARCHAR(200) NOT NULL,
    at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    FOREIGN KEY (sale_id, sku) REFERENCES items (sale_id, sku)
);
CREATE UNIQUE INDEX item_additions_by_key ON item_additions (sale_id, sku, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX item_additions_by_sale ON item_additions (sale_id);
