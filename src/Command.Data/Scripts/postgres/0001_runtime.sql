-- Grain state: one row per grain identity and state name. The primary key is the full identity, so two
-- activations can never create two rows for one grain (Orleans' AdoNet table lacks such a key).
CREATE TABLE grain_state (
    grain_type     TEXT    NOT NULL,
    grain_key      TEXT    NOT NULL,
    state_name     TEXT    NOT NULL,
    payload        JSONB   NULL,        -- NULL once cleared (the row stays so the version keeps counting)
    schema_version INTEGER NOT NULL,
    version        BIGINT  NOT NULL,    -- the ETag
    modified_at    BIGINT  NOT NULL,    -- unix milliseconds
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- Durable reminders. next_due_at is advanced after each delivery, so one that fell due while the silo was
-- down is still found due at start.
CREATE TABLE reminders (
    grain_type    TEXT   NOT NULL,
    grain_key     TEXT   NOT NULL,
    reminder_name TEXT   NOT NULL,
    first_due_at  BIGINT NOT NULL,
    period_ms     BIGINT NOT NULL,
    next_due_at   BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    PRIMARY KEY (grain_type, grain_key, reminder_name)
);

CREATE INDEX reminders_next_due ON reminders (next_due_at);
