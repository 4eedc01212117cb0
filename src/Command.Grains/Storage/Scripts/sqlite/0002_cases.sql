-- Cases (一案一码): one row per case with the columns lists and statistics filter on, and the whole state as JSON.
-- version is the sequence number of the case's last history entry; a write that would repeat one fails.
CREATE TABLE cases (
    code            TEXT    NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL,
    county_code     TEXT    NOT NULL,
    township_code   TEXT    NULL,
    village_code    TEXT    NULL,
    grid_code       TEXT    NULL,
    region_code     TEXT    NOT NULL,           -- the finest region known (grid, or the code given at intake)
    category        TEXT    NOT NULL,           -- "01" … "99"
    urgency         TEXT    NOT NULL,           -- low | medium | high
    channel         TEXT    NOT NULL,           -- grid | walk_in | hotline | online | court | police | petition
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL,           -- accepted | dispatched | in_progress | resolved | closed | archived | rejected
    level           INTEGER NULL,               -- region level of the handler now: 1 county, 2 township, 3 village, 4 grid
    unit_id         TEXT    NULL,               -- the handler now: a unit id, or worker-<id>
    supervision     INTEGER NOT NULL,           -- 0 none, 1 normal, 2 yellow card, 3 red card
    accepted_at     INTEGER NOT NULL,           -- unix milliseconds
    due_at          INTEGER NULL,               -- handling deadline, with approved extensions
    warnings        INTEGER NOT NULL,           -- active warnings on the case now
    overdue         INTEGER NOT NULL,           -- 1 once a handling limit has passed (超期)
    result          TEXT    NULL,               -- resolved | not_resolved, once verified
    resolved_level  INTEGER NULL,               -- the level whose attempt resolved it
    closed_at       INTEGER NULL,
    satisfaction    TEXT    NULL,               -- the latest revisit: satisfied | basic | unsatisfied
    updated_at      INTEGER NOT NULL,
    payload         TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX cases_county ON cases (county_code, accepted_at);
CREATE INDEX cases_township ON cases (township_code, accepted_at);
CREATE INDEX cases_village ON cases (village_code, accepted_at);
CREATE INDEX cases_grid ON cases (grid_code, accepted_at);
CREATE INDEX cases_status ON cases (status, county_code);

-- Every step of every case: who, when, from which unit to which, what, and the note. Append-only.
CREATE TABLE case_events (
    case_code   TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    from_unit   TEXT    NULL,
    to_unit     TEXT    NULL,
    status      TEXT    NOT NULL,               -- the case's status after the step
    note        TEXT    NULL,
    detail      TEXT    NULL,                   -- JSON: photos, rule, level, result, satisfaction, …
    PRIMARY KEY (case_code, seq)
) WITHOUT ROWID;

-- Warnings (预警) on cases, grids and workers. One active row per subject and kind; cleared_at is set when the cause
-- goes away; acknowledging records who and when.
CREATE TABLE warnings (
    id           TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL,              -- unsigned | overdue | escalated | red_risk | hot_spot | worker_offline | revisit_due
    level        INTEGER NOT NULL,              -- 1 yellow, 2 red
    subject      TEXT    NOT NULL,              -- case code, grid code or worker id
    case_code    TEXT    NULL,
    worker_id    INTEGER NULL,
    region_code  TEXT    NOT NULL,
    county_code  TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    raised_at    INTEGER NOT NULL,
    cleared_at   INTEGER NULL,
    acked_by     TEXT    NULL,
    acked_at     INTEGER NULL
) WITHOUT ROWID;

CREATE INDEX warnings_county ON warnings (county_code, raised_at);
CREATE INDEX warnings_subject ON warnings (subject, kind);

-- The auto-dispatch rule table (region × category × urgency → unit, level, copies), edited by the admin.
CREATE TABLE dispatch_rules (
    id           INTEGER NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    region       TEXT    NOT NULL,              -- a region code prefix; empty for every region
    category     TEXT    NOT NULL,              -- a category code; empty for every category
    urgency      TEXT    NOT NULL,              -- low | medium | high; empty for every urgency
    target       TEXT    NOT NULL,              -- level:role, e.g. township:police
    copies       TEXT    NOT NULL,              -- comma-separated level:role
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL
);
