-- 调度指令 (dispatch orders): one row per order with the columns lists filter on and the whole state as JSON; one row per
-- receiver (a unit id or worker-<id>) for each receiver's list; and every step (issued, pushed, signed, reported back,
-- warned) with who and when, append-only. version is the sequence number of the order's last step; a stale copy of the
-- order that would repeat one fails.
CREATE TABLE orders (
    id           TEXT    NOT NULL PRIMARY KEY,    -- random, URL-safe: not guessable
    version      INTEGER NOT NULL,
    issuer_unit  TEXT    NOT NULL,
    region_code  TEXT    NOT NULL,                -- the issuer's region (the county, or a township)
    issued_at    INTEGER NOT NULL,                -- unix milliseconds
    is_open      INTEGER NOT NULL,                -- 1 until every receiver has reported back
    next_due_at  INTEGER NULL,                    -- the next sign-for limit still to watch
    payload      TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX orders_issuer ON orders (issuer_unit, issued_at);
CREATE INDEX orders_region ON orders (region_code, issued_at);

CREATE TABLE order_targets (
    order_id     TEXT    NOT NULL,
    target_key   TEXT    NOT NULL,
    issued_at    INTEGER NOT NULL,
    PRIMARY KEY (order_id, target_key)
) WITHOUT ROWID;

CREATE INDEX order_targets_key ON order_targets (target_key, issued_at);

CREATE TABLE order_events (
    order_id     TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    action       TEXT    NOT NULL,                -- issue | sign | feedback | unsigned
    actor        TEXT    NOT NULL,
    actor_name   TEXT    NOT NULL,
    target_key   TEXT    NULL,
    note         TEXT    NULL,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;
