-- ASP.NET Core's data-protection key ring (keys for sign-in cookies, bearer tokens and antiforgery), one XML element a
-- row as the key manager stores it, so that every silo over this database signs and reads with the same keys. Rows
-- are only ever added. Written and read by KeyRingStore alone.
CREATE TABLE data_protection_keys (
    id            INTEGER PRIMARY KEY,
    friendly_name TEXT    NOT NULL,    -- "key-{id}" or "revocation-…", as the key manager names it
    xml           TEXT    NOT NULL,
    stored_at     INTEGER NOT NULL     -- unix milliseconds
);
