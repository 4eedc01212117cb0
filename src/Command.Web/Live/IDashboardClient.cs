using System.Text.Json;
using System.Text.Json.Serialization;
using Command.Grains.Live;
using Command.Grains.Regions;

namespace Command.Web.Live;

/// <summary>What the hub calls on a big screen (the JS client's method name is the same).</summary>
public interface IDashboardClient : ILiveSessionClient
{
    /// <summary>What changed in the watched scope since the last batch (docs/big-screen.md).</summary>
    Task Changes(LiveBatch batch);
}

/// <summary>A batch of changes for one scope. <see cref="Scope"/> lets a client that just switched scope drop a late one.</summary>
public sealed record LiveBatch(string Scope, long ServerTime, WorkerItem[] Workers, CaseCard[] Cases, WarningCard[] Warnings, CountersItem[] Counters);

/// <summary>Everything a screen needs to draw a scope; deltas follow (docs/big-screen.md).</summary>
public sealed record LiveSnapshot(
    long ServerTime,
    ScopeView Scope,
    IReadOnlyList<ScopeView> Path,
    IReadOnlyList<ScopeView> Children,
    IReadOnlyList<CountersItem> Counters,
    IReadOnlyList<WorkerItem> Workers,
    IReadOnlyList<CaseCard> Cases,
    IReadOnlyList<WarningCard> Warnings);

public sealed record ScopeView(string Code, string Name, string Level, string LevelName, bool Synthetic)
{
    public static ScopeView Of(RegionInfo r) => new(r.Code, r.Name, r.Level.ToString(), RegionCode.LevelName(r.Level), r.Synthetic);
}

/// <summary>The answer to <c>Watch</c>: a snapshot, or a typed error the screen shows (and changes nothing).</summary>
public sealed record WatchResult(bool Ok, HubError? Error, LiveSnapshot? Snapshot)
{
    public static WatchResult Of(LiveSnapshot snapshot) => new(true, null, snapshot);

    public static WatchResult Fail(string code, string message) => new(false, new HubError(code, message), null);
}

/// <summary>A refused hub call: <c>invalid</c>, <c>forbidden</c>, <c>not_found</c> or <c>unavailable</c>, and a message in Chinese.</summary>
public sealed record HubError(string Code, string Message);

/// <summary>A region's live counters, versioned.</summary>
public sealed record CountersItem(
    string Code, int Grids, int Workers, int Online, int Patrolling, int Open, int Overdue, int Warnings, int AcceptedToday, int ResolvedToday, long V)
{
    public static CountersItem Of(string code, in RegionCounters c, long v) =>
        new(code, c.Grids, c.Workers, c.Online, c.Patrolling, c.Open, c.Overdue, c.Warnings, c.AcceptedToday, c.ResolvedToday, v);

    public bool SameCounts(in RegionCounters c) =>
        Grids == c.Grids && Workers == c.Workers && Online == c.Online && Patrolling == c.Patrolling && Open == c.Open && Overdue == c.Overdue
        && Warnings == c.Warnings && AcceptedToday == c.AcceptedToday && ResolvedToday == c.ResolvedToday;
}

/// <summary>A worker marker, sent as the array <c>[id, lat, lon, status, v, t]</c> (thousands per snapshot).</summary>
[JsonConverter(typeof(WorkerItemConverter))]
public readonly record struct WorkerItem(long Id, double Lat, double Lon, int Status, long V, long T)
{
    public static WorkerItem Of(in WorkerMark m) => new(m.Id, Math.Round(m.Lat, 6), Math.Round(m.Lon, 6), (int)m.Status, m.Version, m.FixTime);
}

internal sealed class WorkerItemConverter : JsonConverter<WorkerItem>
{
    public override WorkerItem Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = JsonSerializer.Deserialize<double[]>(ref reader, options) ?? [];
        return values.Length == 6
            ? new WorkerItem((long)values[0], values[1], values[2], (int)values[3], (long)values[4], (long)values[5])
            : throw new JsonException("A worker item is [id, lat, lon, status, v, t].");
    }

    public override void Write(Utf8JsonWriter writer, WorkerItem value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Id);
        writer.WriteNumberValue(value.Lat);
        writer.WriteNumberValue(value.Lon);
        writer.WriteNumberValue(value.Status);
        writer.WriteNumberValue(value.V);
        writer.WriteNumberValue(value.T);
        writer.WriteEndArray();
    }
}
