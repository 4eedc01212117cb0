-- The region tree: city, county, township, village and grid, one row each. Boundaries are GeoJSON geometries
-- (WGS-84); synthetic = 1 when the importer derived the polygon (no public source has township and lower).
CREATE TABLE regions (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    level       INTEGER NOT NULL,           -- 0 city, 1 county, 2 township, 3 village, 4 grid
    parent_code TEXT    NULL,
    synthetic   INTEGER NOT NULL,
    boundary    TEXT    NOT NULL,
    imported_at INTEGER NOT NULL,           -- unix milliseconds
    imported_by TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX regions_parent ON regions (parent_code);

-- Grid workers. device_id is the secret their phone's tracker sends (OsmAnd "id").
CREATE TABLE workers (
    id          INTEGER NOT NULL PRIMARY KEY,
    grid_code   TEXT    NOT NULL,
    sequence    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    full_time   INTEGER NOT NULL,
    device_id   TEXT    NOT NULL UNIQUE,
    UNIQUE (grid_code, sequence)
);

-- Units: the county center, township centers, villages/communities and departments with the regions they serve.
CREATE TABLE units (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        INTEGER NOT NULL,           -- 0 center, 1 village, 2 department
    region_code TEXT    NOT NULL,
    serves      TEXT    NOT NULL            -- comma-separated region codes
) WITHOUT ROWID;

-- Positions reported by workers' phones; the key makes a re-sent fix a no-op.
CREATE TABLE positions (
    worker_id   INTEGER NOT NULL,
    ts          INTEGER NOT NULL,           -- device time, unix milliseconds
    lat         REAL    NOT NULL,
    lon         REAL    NOT NULL,
    speed       REAL    NULL,               -- m/s
    bearing     REAL    NULL,
    altitude    REAL    NULL,
    accuracy    REAL    NULL,
    battery     REAL    NULL,
    PRIMARY KEY (worker_id, ts)
) WITHOUT ROWID;

-- Who did what: imports, seeding, sign-ins, lock-outs.
CREATE TABLE audit_log (
    id          INTEGER NOT NULL PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NULL,
    detail      TEXT    NULL
);

CREATE INDEX audit_log_at ON audit_log (at);

-- Who reported lately (read at start to bring the live counts back); timestamps mostly rise, so it grows at its end.
CREATE INDEX positions_ts ON positions (ts);
