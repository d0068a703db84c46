-- Admission mode (docs/design/admission.md): waiting rooms in front of a shop's own checkout.
--
-- rooms: written by inventory-service (create, change the rates, pause, resume, close), read by the
-- admitter every step, so a change of admit_per_minute or max_active takes effect within a step.
-- The opening is a sale's: entries from prequeue_opens_at (or opens_at), the pre-queue put in line
-- by the draw (opening_order, draw_seed as for sales, revealed at draw_revealed_at).
CREATE TABLE rooms (
    room_id           VARCHAR(64)  PRIMARY KEY,
    name              VARCHAR(200) NOT NULL,
    opens_at          TIMESTAMPTZ  NOT NULL,
    prequeue_opens_at TIMESTAMPTZ,
    opening_order     VARCHAR(8)   NOT NULL DEFAULT 'FIFO' CHECK (opening_order IN ('FIFO', 'SHUFFLED')),
    draw_seed         BYTEA        NOT NULL CHECK (octet_length(draw_seed) = 32),
    draw_revealed_at  TIMESTAMPTZ,
    admit_per_minute  INTEGER      NOT NULL CHECK (admit_per_minute >= 0),
    max_active        INTEGER      NOT NULL CHECK (max_active >= 0),
    session_seconds   INTEGER      NOT NULL CHECK (session_seconds BETWEEN 1 AND 86400),
    checkout_url      VARCHAR(2000) NOT NULL,
    paused            BOOLEAN      NOT NULL DEFAULT false,
    closed_at         TIMESTAMPTZ,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    version           BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT rooms_prequeue_before_opening CHECK (prequeue_opens_at IS NULL OR prequeue_opens_at < opens_at)
);

-- The admitter's own state of a room, one row, locked FOR UPDATE by every admission step: whoever
-- holds the room's partition, two instances during a rebalance still admit one after the other.
-- next_line: the line number the next entry gets; admitted_through: every entry up to it has left
-- the line (admitted or closed); drawn_at: the pre-queue has its places.
CREATE TABLE room_lines (
    room_id          VARCHAR(64) PRIMARY KEY REFERENCES rooms (room_id),
    next_line        BIGINT      NOT NULL DEFAULT 1,
    admitted_through BIGINT      NOT NULL DEFAULT 0,
    drawn_at         TIMESTAMPTZ,
    version          BIGINT      NOT NULL DEFAULT 0
);

-- One row per customer per room (entry_id is a function of both). line is NULL while the entry
-- waits for the draw. An admission is admitted_at / expires_at / jti / token, written once; it
-- counts against max_active until ended_at (the shop left, or it expired). The active count and the
-- admissions of the last minute are counted from these rows: durable, whoever admits next.
CREATE TABLE room_entries (
    entry_id         UUID        PRIMARY KEY,
    room_id          VARCHAR(64) NOT NULL REFERENCES rooms (room_id),
    customer_id      VARCHAR(64) NOT NULL,
    accepted_at      TIMESTAMPTZ NOT NULL,
    prequeue         BOOLEAN     NOT NULL,
    source_partition INTEGER     NOT NULL,
    source_offset    BIGINT      NOT NULL,
    line             BIGINT,
    admitted_at      TIMESTAMPTZ,
    expires_at       TIMESTAMPTZ,
    jti              UUID,
    token            TEXT,
    ended_at         TIMESTAMPTZ,
    end_reason       VARCHAR(8)  CHECK (end_reason IN ('LEFT', 'EXPIRED')),
    closed_at        TIMESTAMPTZ,
    CONSTRAINT room_entries_one_per_customer UNIQUE (room_id, customer_id),
    CONSTRAINT room_entries_one_per_place UNIQUE (room_id, line),
    CONSTRAINT room_entries_admitted_once CHECK (
        (admitted_at IS NULL) = (jti IS NULL) AND (admitted_at IS NULL) = (expires_at IS NULL))
);
-- The next to admit: waiting entries of a room in line order.
CREATE INDEX room_entries_waiting ON room_entries (room_id, line)
    WHERE admitted_at IS NULL AND closed_at IS NULL AND line IS NOT NULL;
-- The active admissions of a room, by expiry (the step ends the expired ones).
CREATE INDEX room_entries_active ON room_entries (room_id, expires_at)
    WHERE admitted_at IS NOT NULL AND ended_at IS NULL;
-- The admissions of a room's last minute.
CREATE INDEX room_entries_admitted ON room_entries (room_id, admitted_at) WHERE admitted_at IS NOT NULL;

-- What the admitter has decided and not yet seen acknowledged by the broker, published again by the
-- next step after a crash (as results_outbox for orders).
CREATE TABLE admission_outbox (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id    VARCHAR(64) NOT NULL,
    record_key VARCHAR(64) NOT NULL,
    event      BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX admission_outbox_by_room ON admission_outbox (room_id, seq);
