-- The list of accounts the admin pages search and page through. Each row is written by its account's grain (the one
-- owner of the account), in the same transaction as the audit entry of the change; the password hash, failed sign-ins
-- and the session stamp stay in the grain's state only.
CREATE TABLE users (
    user_name    TEXT    NOT NULL PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL,              -- DutyOfficer | Leader | TownshipCenter | Village | GridWorker | Department | Admin
    unit_id      TEXT    NOT NULL,
    scope        TEXT    NOT NULL,              -- the region code prefix the user sees; empty for everything
    worker_id    INTEGER NULL,
    locked       INTEGER NOT NULL,              -- 1 while the admin has locked the account (停用)
    created_at   INTEGER NOT NULL,              -- unix milliseconds
    created_by   TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX users_scope ON users (scope);
