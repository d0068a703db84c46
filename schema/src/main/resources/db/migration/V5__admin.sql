-- The operators' admin API (issue 19, docs/admin.md): a sale's orders newest decision first, the
-- audit log and what was done with dead letters.
--
-- One index serves the order list (keyset pages on decided_at, order_id), its status filter (read
-- along the index), the CSV export and the summary's counts. It costs every decision an index entry,
-- the price V2 refused for an index no query used; this one every admin read uses. No status column
-- in it: a hold's end changes status, and an indexed status would cost that update too.
-- Not CONCURRENTLY: Flyway's transactional lock and a concurrent build wait for each other; the
-- build is a scan of orders, between sales (docs/operations.md).
CREATE INDEX orders_by_sale_decided ON orders (sale_id, decided_at, order_id);

-- Every admin action: who (the token's holder or the JWT's subject), when, what, and the state before
-- and after, as JSON. Written in the action's own transaction where the action is a database change.
CREATE TABLE audit_log (
    seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    actor  VARCHAR(200) NOT NULL,
    action VARCHAR(64)  NOT NULL,
    target VARCHAR(300) NOT NULL,
    before JSONB,
    after  JSONB
);
CREATE INDEX audit_log_by_target ON audit_log (target, seq);

-- A dead letter (orders.dlq topic-partition-offset) replayed or discarded, once: the primary key
-- makes a second replay, or a replay racing a discard, a conflict instead of a second record.
CREATE TABLE dlq_actions (
    dlq_id  VARCHAR(300) PRIMARY KEY,
    action  VARCHAR(16)  NOT NULL CHECK (action IN ('REPLAYED', 'DISCARDED')),
    actor   VARCHAR(200) NOT NULL,
    at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    replayed_to VARCHAR(300)
);
