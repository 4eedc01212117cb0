-- Live video calls (视频通话): one row per call, written by its grain (the one owner) on every change, with an audit
-- entry in the same write. The log of a case or an order is the rows that name it; a missed call is a notice for the
-- callee until they have seen it.
CREATE TABLE calls (
    id            TEXT    NOT NULL PRIMARY KEY,   -- random, URL-safe
    status        TEXT    NOT NULL,               -- ringing | connected | ended | missed | declined
    caller        TEXT    NOT NULL,               -- the caller's user name
    caller_name   TEXT    NOT NULL,
    callee        TEXT    NOT NULL,               -- who was called: worker-{id} or a unit id
    callee_name   TEXT    NOT NULL,
    callee_region TEXT    NOT NULL,               -- the callee's region (grid or unit region), for scope checks
    answered_by   TEXT    NULL,                   -- the user name who accepted or declined
    case_code     TEXT    NULL,
    order_id      TEXT    NULL,
    started_at    BIGINT  NOT NULL,               -- unix milliseconds: when it started ringing
    connected_at  BIGINT  NULL,
    ended_at      BIGINT  NULL,
    ended_by      TEXT    NULL,                   -- a user name, or "system" when the ringing ran out
    seen_at       BIGINT  NULL                    -- a missed call's notice was seen by the callee
);

CREATE INDEX calls_case ON calls (case_code, started_at);
CREATE INDEX calls_order ON calls (order_id, started_at);
CREATE INDEX calls_callee ON calls (callee, status, started_at);
