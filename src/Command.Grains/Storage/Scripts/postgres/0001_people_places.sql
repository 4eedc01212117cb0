-- The region tree: city, county, township, village and grid, one row each. Boundaries are GeoJSON geometries
-- (WGS-84); synthetic = 1 when the importer derived the polygon (no public source has township and lower).
CREATE TABLE regions (
    code        text     NOT NULL PRIMARY KEY,
    name        text     NOT NULL,
    level       smallint NOT NULL,          -- 0 city, 1 county, 2 township, 3 village, 4 grid
    parent_code text     NULL,
    synthetic   smallint NOT NULL,
    boundary    text     NOT NULL,
    imported_at bigint   NOT NULL,          -- unix milliseconds
    imported_by text     NOT NULL
);

CREATE INDEX regions_parent ON regions (parent_code);

-- Grid workers. device_id is the secret their phone's tracker sends (OsmAnd "id").
CREATE TABLE workers (
    id          bigint   NOT NULL PRIMARY KEY,
    grid_code   text     NOT NULL,
    sequence    integer  NOT NULL,
    name        text     NOT NULL,
    phone       text     NOT NULL,
    full_time   smallint NOT NULL,
    device_id   text     NOT NULL UNIQUE,
    UNIQUE (grid_code, sequence)
);

-- Units: the county center, township centers, villages/communities and departments with the regions they serve.
CREATE TABLE units (
    id          text     NOT NULL PRIMARY KEY,
    name        text     NOT NULL,
    kind        smallint NOT NULL,          -- 0 center, 1 village, 2 department
    region_code text     NOT NULL,
    serves      text     NOT NULL           -- comma-separated region codes
);

-- Positions reported by workers' phones; the key makes a re-sent fix a no-op.
CREATE TABLE positions (
    worker_id   bigint           NOT NULL,
    ts          bigint           NOT NULL,  -- device time, unix milliseconds
    lat         double precision NOT NULL,
    lon         double precision NOT NULL,
    speed       real             NULL,      -- m/s
    bearing     real             NULL,
    altitude    real             NULL,
    accuracy    real             NULL,
    battery     real             NULL,
    PRIMARY KEY (worker_id, ts)
);

-- Who did what: imports, seeding, sign-ins, lock-outs.
CREATE TABLE audit_log (
    id          bigserial NOT NULL PRIMARY KEY,
    at          bigint    NOT NULL,
    actor       text      NOT NULL,
    action      text      NOT NULL,
    target      text      NULL,
    detail      text      NULL
);

CREATE INDEX audit_log_at ON audit_log (at);

-- Who reported lately (read at start to bring the live counts back); timestamps mostly rise, so it grows at its end.
CREATE INDEX positions_ts ON positions (ts);
