using System.Globalization;
using System.Security.Cryptography;
using Command.Grains.Audit;
using Command.Grains.Regions.Import;
using Command.Grains.Units;
using Command.Data;

namespace Command.Grains.Regions;

/// <summary>What an import wrote.</summary>
public sealed record ImportSummary(int Regions, int Grids, int Workers, int NewWorkers, int Units);

/// <summary>
/// Writes an imported region tree, its workers and default units. Re-importing updates names and boundaries
/// in place: a worker keeps id and device id (matched by grid and sequence); only new workers get new ones.
/// Imports never interleave, on one silo or several: each holds the database's <see cref="ImportLock"/> while it reads
/// what exists and writes, so two imports cannot hand out the same worker ids, and an import into an empty database
/// happens once however many silos start together.
/// </summary>
public sealed class RegionStore(Database database, AuditLog audit, TimeProvider time)
{
    private const int StatementsPerUnit = 500;
    /// <summary>The database lock every import holds (<see cref="Database.ExclusiveAsync{T}"/>).</summary>
    public const string ImportLock = "regions-import";

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        var empty = true;
        await database.QueryAsync(new SqlStatement("SELECT 1 FROM regions LIMIT 1"), _ => empty = false, cancellationToken).ConfigureAwait(false);
        return empty;
    }

    /// <summary>Imports what <paramref name="build"/> makes if no region exists yet; null if some did (nothing is built or written).</summary>
    public Task<ImportSummary?> ImportIfEmptyAsync(Func<RegionImport> build, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return database.ExclusiveAsync(ImportLock, async token =>
            await IsEmptyAsync(token).ConfigureAwait(false) ? await WriteAsync(build(), actor, token).ConfigureAwait(false) : null,
            cancellationToken);
    }

    public Task<ImportSummary> SaveAsync(RegionImport import, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        return database.ExclusiveAsync(ImportLock, token => WriteAsync(import, actor, token), cancellationToken);
    }

    private async Task<ImportSummary> WriteAsync(RegionImport import, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var statements = new List<SqlStatement>(import.Regions.Count + import.Workers.Count + 64);
        foreach (var region in import.Regions)
        {
            statements.Add(new SqlStatement(
                """
                INSERT INTO regions (code, name, level, parent_code, synthetic, boundary, imported_at, imported_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
                    synthetic = excluded.synthetic, boundary = excluded.boundary, imported_at = excluded.imported_at, imported_by = excluded.imported_by
                """,
                region.Code, region.Name, (short)region.Level, region.ParentCode, (short)(region.Synthetic ? 1 : 0),
                GeoJsonWriter.ToJson(region.Boundary), now, actor));
        }

        var existing = await ExistingWorkersAsync(cancellationToken).ConfigureAwait(false);
        var nextId = existing.Count == 0 ? 1 : existing.Values.Max() + 1;
        var added = 0;
        foreach (var worker in import.Workers)
        {
            if (existing.TryGetValue((worker.GridCode, worker.Sequence), out var id))
            {
                statements.Add(new SqlStatement(
                    "UPDATE workers SET name = $1, phone = $2, full_time = $3 WHERE id = $4",
                    worker.Name, worker.Phone, (short)(worker.FullTime ? 1 : 0), id));
                continue;
            }

            added++;
            statements.Add(new SqlStatement(
                "INSERT INTO workers (id, grid_code, sequence, name, phone, full_time, device_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                nextId++, worker.GridCode, worker.Sequence, worker.Name, worker.Phone, (short)(worker.FullTime ? 1 : 0), NewDeviceId()));
        }

        var units = UnitPlan.For(import.Regions.Select(r => (r.Code, r.Name, r.Level)));
        foreach (var unit in units)
        {
            statements.Add(new SqlStatement(
                """
                INSERT INTO units (id, name, kind, region_code, serves) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, region_code = excluded.region_code, serves = excluded.serves
                """,
                unit.Id, unit.Name, (short)unit.Kind, unit.RegionCode, string.Join(',', unit.Serves)));
        }

        var grids = import.Regions.Count(r => r.Level == RegionLevel.Grid);
        var summary = new ImportSummary(import.Regions.Count - grids, grids, import.Workers.Count, added, units.Count);
        statements.Add(audit.Entry(actor, "import-regions", import.Regions.Count > 0 ? import.Regions[0].Code : null,
            $"{summary.Regions} regions, {summary.Grids} grids, {summary.Workers} workers ({summary.NewWorkers} new), {summary.Units} units"));

        // Written in chunks: each commits atomically; a re-run completes a partial import (every statement is an upsert).
        await Task.WhenAll(statements.Chunk(StatementsPerUnit).Select(chunk => database.WriteAsync(chunk, cancellationToken))).ConfigureAwait(false);
        return summary;
    }

    private async Task<Dictionary<(string Grid, int Sequence), long>> ExistingWorkersAsync(CancellationToken cancellationToken)
    {
        var workers = new Dictionary<(string, int), long>();
        await database.QueryAsync(
            new SqlStatement("SELECT grid_code, sequence, id FROM workers"),
            reader => workers[(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture))] = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
            cancellationToken).ConfigureAwait(false);
        return workers;
    }

    /// <summary>80 random bits, hex: the secret a tracker app is configured with.</summary>
    private static string NewDeviceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
}
