using System.Globalization;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;
using Command.Grains.Workers;
using Command.Web.Live;

namespace Command.Web.Components.Console;

/// <summary>One unit or grid worker a case may go to, as the dispatch form lists it.</summary>
public sealed record TargetOption(string Id, string Name, string Group, string? Hint, bool Suggested);

/// <summary>
/// Whom a user may hand a case to: units that serve the case's place and lie in the user's scope (the county center may
/// pick any), and the grid workers of the case's village, on-duty ones first by distance from the case. The dispatch
/// rule's unit and the grid's own worker are marked as suggested. The case grain decides again when the form is sent.
/// </summary>
public sealed class ConsoleTargets(RegionDirectory directory, CaseUnits units, DispatchRules rules, IWorkerBoard board)
{
    public async Task<List<TargetOption>> ForDispatchAsync(CaseView view, UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(actor);
        await rules.RefreshAsync();
        var location = view.Location;
        var county = actor.Role is UserRole.DutyOfficer or UserRole.Leader && RegionCode.IsWithin(location.CountyCode, actor.Scope);
        var ruled = rules.Plan(location, view.Category, view.Urgency)?.To.Id;
        var current = view.Assignment?.To.Id;
        var options = Units(location, county, actor)
            .Where(u => u.Id != current)
            .Select(u => new TargetOption(u.Id, u.Name, GroupOf(u.Kind), u.Id == ruled ? "派单规则推荐" : null, u.Id == ruled))
            .OrderBy(o => o.Group == "村(社区)" ? 0 : o.Group == "职能部门" ? 1 : 2)
            .ThenByDescending(o => o.Suggested)
            .ToList();
        options.AddRange(Workers(location, county, actor, current));
        return options;
    }

    /// <summary>Units that may be invited to 商办: every unit serving the case's place except the handler.</summary>
    public List<TargetOption> ForConsult(CaseView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return [.. directory.Units
            .Where(u => units.Serves(u.Id, view.Location) && u.Id != view.Assignment?.To.Id && view.Consults.All(c => c.Id != u.Id))
            .Select(u => new TargetOption(u.Id, u.Name, GroupOf(u.Kind), null, false))];
    }

    private IEnumerable<UnitInfo> Units(CaseLocation location, bool county, UserProfile actor) =>
        directory.Units.Where(u => units.Serves(u.Id, location) && (county || RegionCode.IsWithin(u.RegionCode, actor.Scope)));

    private List<TargetOption> Workers(CaseLocation location, bool county, UserProfile actor, string? current)
    {
        if (location.VillageCode is not { } village || !(county || RegionCode.IsWithin(village, actor.Scope)))
        {
            return [];
        }

        // Status and place from the live board (one read for the whole village), not one grain call per worker.
        var workers = directory.WorkersWithin(village).Where(w => Assignee.WorkerKey(w.Id) != current).ToList();
        var marks = board.WorkersInside(village);
        var ofGrid = location.GridCode is { } grid ? directory.WorkersOfGrid(grid).FirstOrDefault(w => w.FullTime)?.Id : null;
        return [.. workers
            .Select(worker =>
            {
                var seen = marks.TryGetValue(worker.Id, out var mark);
                var status = seen ? (WorkerStatus)mark.Status : WorkerStatus.Offline;
                double? metres = seen && location.Lat is { } lat && location.Lon is { } lon ? Geodesy.Metres(lat, lon, mark.Lat, mark.Lon) : null;
                return (worker, Status: status, metres);
            })
            .OrderBy(w => w.Status == WorkerStatus.Offline)
            .ThenBy(w => w.metres ?? double.MaxValue)
            .Select((w, i) =>
            {
                var nearest = i == 0 && w.Status != WorkerStatus.Offline && w.metres is not null;
                var hint = string.Join(" · ", new[]
                {
                    w.Status.ToChinese(),
                    w.metres is { } m ? (m < 1000 ? $"{m.ToString("0", CultureInfo.InvariantCulture)} 米" : $"{(m / 1000).ToString("0.0", CultureInfo.InvariantCulture)} 公里") : null,
                    w.worker.Id == ofGrid ? "本网格网格员" : null,
                    nearest ? "最近的在岗网格员" : null,
                }.Where(s => s is not null));
                return new TargetOption(Assignee.WorkerKey(w.worker.Id), $"{w.worker.Name}（{w.worker.KindName}）", "网格员", hint, w.worker.Id == ofGrid || nearest);
            })];
    }

    private static string GroupOf(UnitKind kind) => kind switch
    {
        UnitKind.Center => "综治中心",
        UnitKind.Village => "村(社区)",
        _ => "职能部门",
    };
}
