using System.Globalization;
using Command.Grains.Grids;
using Command.Grains.Live;
using Command.Grains.Warnings;

namespace Command.Grains.Workers;

/// <summary>一键报警: one active red SOS warning per worker, at the place the phone or tracker gave, until the worker calls it off or someone on duty closes it.</summary>
internal sealed partial class WorkerGrain
{
    private string? sosWarning;

    public async Task<string> RaiseSosAsync(SosCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var at = time.GetUtcNow();
        var (lat, lon) = call.Lat is { } la && call.Lon is { } lo ? (la, lo) : last is { } fix ? (fix.Lat, fix.Lon) : ((double?)null, (double?)null);
        var place = lat is { } y && lon is { } x ? string.Create(CultureInfo.InvariantCulture, $"，位置 {y:F5}, {x:F5}") : "，位置未知";
        var message = $"网格员{info.Name}（{info.Phone}）一键报警{place}";
        var renewed = sosWarning is not null;
        var id = sosWarning ?? $"{info.Id}-{WarningKind.Sos.Wire()}-{at.ToUnixTimeMilliseconds()}";
        await database.WriteAsync(
            renewed
                ? WarningRows.Change(id, WarningLevel.Red, message)
                : WarningRows.Raise(id, WarningKind.Sos, WarningLevel.Red, SubjectOf(info.Id), null, info.Id, info.GridCode, message, at),
            audit.Entry(call.By, "sos", SubjectOf(info.Id), message));
        sosWarning = id;
        live.WarningChanged(WarningCard.Raised(id, WarningKind.Sos, WarningLevel.Red, info.GridCode, null, info.Id, message, at) with { Lat = lat, Lon = lon });
        if (!renewed)
        {
            await GrainFactory.GetGrain<IGridGrain>(info.GridCode).WorkerWarningChangedAsync(info.Id, true);
        }

        return id;
    }

    public Task<bool> CancelSosAsync(string by) =>
        sosWarning is { } id ? ClearSosAsync(id, audit.Entry(by, "sos-cancel", SubjectOf(info.Id), id)) : Task.FromResult(false);

    public Task<bool> CloseSosAsync(string warningId, string by, string note) =>
        sosWarning is { } id && id == warningId
            ? ClearSosAsync(id, audit.Entry(by, "sos-close", SubjectOf(info.Id), $"{id}：{note}"))
            : Task.FromResult(false);

    /// <summary>Clears the active SOS on every screen; <paramref name="record"/> says who did and why, in the same write.</summary>
    private async Task<bool> ClearSosAsync(string id, Command.Data.SqlStatement record)
    {
        var at = time.GetUtcNow();
        await database.WriteAsync(WarningRows.Clear(id, at), record);
        sosWarning = null;
        live.WarningChanged(WarningCard.Cleared(id, WarningKind.Sos, info.GridCode, at));
        await GrainFactory.GetGrain<IGridGrain>(info.GridCode).WorkerWarningChangedAsync(info.Id, offlineWarning is not null);
        return true;
    }

    public Task<string?> ActiveSosAsync() => Task.FromResult(sosWarning);
}
