using System.Collections.Concurrent;
using Command.Grains.Live;
using Command.Grains.Regions;

namespace Command.Grains.Tests.Cluster;

/// <summary>A silo's screens in grain tests: the newest of each worker, case, warning and region counters that reached it.</summary>
internal sealed class RecordingBoard : ILocalLiveBoard
{
    public ConcurrentDictionary<long, WorkerMark> Workers { get; } = new();

    public ConcurrentDictionary<string, CaseCard> Cases { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, WarningCard> Warnings { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, RegionCounters> Counters { get; } = new(StringComparer.Ordinal);

    public void WorkerChanged(in WorkerMark mark)
    {
        var m = mark;
        Workers.AddOrUpdate(m.Id, m, (_, old) => old.Version >= m.Version ? old : m);
    }

    public void CaseChanged(CaseCard card) => Cases.AddOrUpdate(card.Code, card, (_, old) => old.V >= card.V ? old : card);

    public void WarningChanged(WarningCard card) => Warnings[card.Id] = card;

    public void WarningAcknowledged(string warningId, string by)
    {
        if (Warnings.TryGetValue(warningId, out var card))
        {
            Warnings[warningId] = card with { AckedBy = by };
        }
    }

    public void CountersChanged(string regionCode, in RegionCounters counters) => Counters[regionCode] = counters;

    public void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings)
    {
    }

    public void Merge(LiveChanges snapshot)
    {
        foreach (var mark in snapshot.Workers)
        {
            WorkerChanged(mark);
        }

        foreach (var card in snapshot.Cases)
        {
            CaseChanged(card);
        }

        foreach (var card in snapshot.Warnings)
        {
            Warnings.TryAdd(card.Id, card);
        }

        foreach (var (code, counters) in snapshot.Counters)
        {
            Counters.TryAdd(code, counters);
        }
    }

    public LiveChanges Export() => new(
        string.Empty, 0, [.. Workers.Values], [.. Cases.Values], [.. Warnings.Values], [],
        [.. Counters.Select(c => new RegionCountersChange(c.Key, c.Value))]);
}
