-- Sale control (issue 19), set by operators through inventory-service.
-- paused: the door refuses new orders while it is; queued orders are still decided. Read by
--   inventory's catalogue relay and published on `sales` (SaleDefined.paused).
-- closed_at: when the sale was closed; null while it is not. Read by the processor with the sale's
--   terms each poll: every order decided once it is set is REJECTED SALE_CLOSED.
ALTER TABLE sales
    ADD COLUMN paused boolean NOT NULL DEFAULT false,
    ADD COLUMN closed_at timestamptz;
