-- Schema for Orleans' ADO.NET providers on PostgreSQL (clustering, grain persistence, reminders; invariant "Npgsql").
--
-- The providers ship no SQL: each one reads its statements by key from OrleansQuery at start and fails to start if
-- a key it requires is missing. Written against the contract of the 10.4.2 assemblies: the parameters they bind
-- (by name, with Npgsql's "@Name" placeholders; unbound names must not appear) and the result columns they read
-- (by name, so result columns are aliased in the exact case the provider asks for, or by position where it reads
-- a single value). Each query text is one statement: the providers read every result set a command returns, and
-- one statement is also one atomic step. Times are TIMESTAMPTZ: Npgsql sends the providers' UTC DateTimes as
-- timestamptz, so the session time zone never enters.

-- Query catalogue. Table and column names are unquoted on purpose: the providers run
-- "SELECT QueryKey, QueryText FROM OrleansQuery" unquoted, which PostgreSQL folds to lower case.
CREATE TABLE OrleansQuery (
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- ETags of grain state and reminders are int32 counters that the providers compare only for equality, so a counter
-- at the top of the range starts again at 1 rather than failing the write with an overflow.
CREATE FUNCTION orleans_next_version(current_version INTEGER) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN current_version >= 2147483647 THEN 1 ELSE current_version + 1 END;


-- ================================================================================================================
-- Cluster membership (Microsoft.Orleans.Clustering.AdoNet). The provider's "DeploymentId" is the ClusterId.
-- ================================================================================================================

-- One row per cluster: the membership table's version. Every change to a silo row bumps it, and a change is only
-- made if the caller still holds the version it read (optimistic concurrency over the whole table).
CREATE TABLE orleans_membership_version (
    cluster_id TEXT        NOT NULL PRIMARY KEY,
    version    INTEGER     NOT NULL DEFAULT 0,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation) in a cluster. Deleting a cluster's version row takes its
-- silo rows with it.
CREATE TABLE orleans_membership (
    cluster_id      TEXT        NOT NULL REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE,
    address         TEXT        NOT NULL,
    port            INTEGER     NOT NULL,
    generation      INTEGER     NOT NULL,
    silo_name       TEXT        NOT NULL,
    host_name       TEXT        NOT NULL,
    status          INTEGER     NOT NULL,   -- Orleans.Runtime.SiloStatus: 3 = Active, 6 = Dead
    proxy_port      INTEGER     NOT NULL,   -- gateway port, 0 when the silo has no gateway
    suspect_times   TEXT        NULL,       -- the provider's own encoding: "silo,time|silo,time"
    start_time      TIMESTAMPTZ NOT NULL,
    i_am_alive_time TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row if there is none. One boolean: true if this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (cluster_id)
    VALUES (@DeploymentId)
    ON CONFLICT (cluster_id) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created)
$q$),

-- Adds a silo row and bumps the table version, both or neither: only while the version is still @Version and no row
-- exists for the silo. The version row is locked first, so of two concurrent callers with the same @Version only one
-- succeeds. One boolean: true on success.
('InsertMembershipKey', $q$
WITH current_version AS (
    SELECT cluster_id
    FROM orleans_membership_version
    WHERE cluster_id = @DeploymentId AND version = @Version
    FOR UPDATE),
added AS (
    INSERT INTO orleans_membership
        (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT cluster_id, @Address, @Port, @Generation, coalesce(@SiloName, ''), coalesce(@HostName, ''), @Status,
           coalesce(@ProxyPort, 0), @StartTime, @IAmAliveTime
    FROM current_version
    ON CONFLICT (cluster_id, address, port, generation) DO NOTHING
    RETURNING cluster_id),
bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM added
    WHERE v.cluster_id = added.cluster_id
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM bumped)
$q$),

-- Changes a silo row's status, suspicions and liveness and bumps the table version, both or neither: only while the
-- version is still @Version and the row exists. The liveness time never moves back. One boolean: true on success.
('UpdateMembershipKey', $q$
WITH current_version AS (
    SELECT cluster_id
    FROM orleans_membership_version
    WHERE cluster_id = @DeploymentId AND version = @Version
    FOR UPDATE),
changed AS (
    UPDATE orleans_membership m
    SET status = @Status,
        suspect_times = @SuspectTimes,
        i_am_alive_time = greatest(m.i_am_alive_time, @IAmAliveTime)
    FROM current_version
    WHERE m.cluster_id = current_version.cluster_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING m.cluster_id),
bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM changed
    WHERE v.cluster_id = changed.cluster_id
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM bumped)
$q$),

-- The silo's periodic heartbeat. Outside the versioned protocol: no version check, no bump, nothing returned.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
SET i_am_alive_time = greatest(i_am_alive_time, @IAmAliveTime)
WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- One silo's row plus the table version, read in one snapshot. The version row is always returned (with NULL silo
-- columns when the silo has no row): the provider takes the version from the first row and skips rows whose
-- StartTime is NULL.
('MembershipReadRowKey', $q$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.cluster_id = v.cluster_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.cluster_id = @DeploymentId
$q$),

-- Every silo row of the cluster plus the table version, read in one snapshot; same shape as MembershipReadRowKey.
('MembershipReadAllKey', $q$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
WHERE v.cluster_id = @DeploymentId
$q$),

-- Forgets a whole cluster: its version row, and through the cascade its silo rows.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version WHERE cluster_id = @DeploymentId
$q$),

-- Gateways for clients: silos in status @Status (Active) that listen for clients.
('GatewaysQueryKey', $q$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_membership
WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- Prunes rows of silos that are Dead and were neither started nor alive since @IAmAliveTime. The provider falls back
-- to this only when CleanupDefunctSiloEntryKey is missing; it is required all the same.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE cluster_id = @DeploymentId
  AND status = 6
  AND i_am_alive_time < @IAmAliveTime
  AND start_time < @IAmAliveTime
$q$),

-- Optional key, used instead of the one above when present: deletes one Dead silo row, and only if it still holds
-- the values the provider read and judged defunct (a row changed in between is left alone). NULL and empty
-- suspicion lists are the same list.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE cluster_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$q$);


-- ================================================================================================================
-- Grain state (Microsoft.Orleans.Persistence.AdoNet).
-- ================================================================================================================

-- One row per (service, state name, grain key). The provider's "GrainTypeString" is the state's name (the name in
-- [PersistentState("name")]), and its grain key is the key only: the grain's type is NOT part of the identity it
-- gives us, so two grain classes that share a state name and a key share one row. Give states distinct names.
--   grain_id_n0/n1   the Guid key (both halves) or the integer key (n1; n0 = 0); both 0 for a string key
--   grain_id_string  the key extension of a Guid/integer key (NULL if none), or the whole string key
--   grain_id_hash    the provider's hash of the key, a function of the three above; it leads the lookup so that
--                    string-keyed grains (n0 = n1 = 0) are found without scanning. Changing the provider's hasher
--                    on a live database orphans existing rows.
-- The unique constraint is the identity (NULLS NOT DISTINCT, so a NULL extension is one value): two writers can
-- never create two rows for one grain state. The payload is NULL once the state has been cleared; the row and its
-- version stay, so a stale writer still conflicts.
CREATE TABLE orleans_grain_state (
    service_id      TEXT        NOT NULL,
    state_name      TEXT        NOT NULL,
    grain_id_hash   INTEGER     NOT NULL,
    grain_id_n0     BIGINT      NOT NULL,
    grain_id_n1     BIGINT      NOT NULL,
    grain_id_string TEXT        NULL,
    payload         BYTEA       NULL,
    version         INTEGER     NOT NULL,   -- the ETag
    modified_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (service_id, state_name, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_string)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- The stored state and its version; no row if the grain never wrote. A row with a NULL payload is a cleared state:
-- the provider then reports no record but keeps the version as the ETag.
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_id_hash = @GrainIdHash AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),

-- Writes the state. Without an ETag (@GrainStateVersion NULL) it may only create the row; with one it may only
-- replace the row still at that version. Always exactly one row: the new version, or NULL when nothing was written
-- (the row exists although no ETag was given, or its version moved on), which the provider raises as an
-- InconsistentStateException.
('WriteToStorageKey', $q$
WITH created AS (
    INSERT INTO orleans_grain_state
        (service_id, state_name, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_string, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version),
replaced AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = orleans_next_version(version), modified_at = now()
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_hash = @GrainIdHash AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version)
SELECT (SELECT version FROM created UNION ALL SELECT version FROM replaced) AS "NewGrainStateVersion"
$q$),

-- Clears the state (the default, DeleteStateOnClear = false): drops the payload and bumps the version of the row
-- still at @GrainStateVersion. The new version, or no row on a conflict.
('ClearStorageKey', $q$
UPDATE orleans_grain_state
SET payload = NULL, version = orleans_next_version(version), modified_at = now()
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_id_hash = @GrainIdHash AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$q$),

-- Optional key, used when the provider is configured with DeleteStateOnClear = true: deletes the row still at
-- @GrainStateVersion. Returns a value other than the old ETag on success, no row on a conflict.
('DeleteStorageKey', $q$
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_id_hash = @GrainIdHash AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING orleans_next_version(version) AS "NewGrainStateVersion"
$q$);


-- ================================================================================================================
-- Reminders (Microsoft.Orleans.Reminders.AdoNet).
-- ================================================================================================================

-- One row per (service, grain, reminder name). grain_id is the GrainId's string form (the provider parses it back);
-- grain_hash is its uniform hash as a signed int32, by which the reminder service splits the rows among silos.
CREATE TABLE orleans_reminder (
    service_id    TEXT        NOT NULL,
    grain_id      TEXT        NOT NULL,
    reminder_name TEXT        NOT NULL,
    grain_hash    INTEGER     NOT NULL,
    start_time    TIMESTAMPTZ NOT NULL,
    period_ms     BIGINT      NOT NULL,
    version       INTEGER     NOT NULL,   -- the ETag
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminder_by_hash ON orleans_reminder (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Registers a reminder or replaces its schedule. Returns the row's new version (its ETag).
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminder AS r (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash,
    start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    version = orleans_next_version(r.version)
RETURNING r.version AS "Version"
$q$),

-- One grain's reminders.
('ReadReminderRowsKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

-- One reminder, or no row.
('ReadReminderRowKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

-- The reminders in a ring range (@BeginHash, @EndHash] that does not wrap in signed order (begin < end).
('ReadRangeRows1Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

-- The reminders in a ring range that wraps in signed order (begin >= end): above begin or up to end.
('ReadRangeRows2Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- Unregisters a reminder if it is still at version @Version. One boolean: true if it was deleted.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM deleted)
$q$),

-- Drops every reminder of the service.
('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminder WHERE service_id = @ServiceId
$q$);
