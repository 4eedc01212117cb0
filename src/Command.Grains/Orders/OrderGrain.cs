using Command.Data;
using Command.Grains.Attachments;
using Command.Grains.Dispatch;
using Command.Grains.Live;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Orders;

/// <summary>
/// A dispatch order (调度指令). Each step changes a copy of the state and is kept once the row, the step and the warning
/// changes are durable; then the receivers and the issuer are told. One durable reminder follows the sign-for limit while a
/// receiver has neither signed nor been warned, then the report-back limit while a receiver has signed but neither reported
/// back nor been warned; it is armed before the write that sets the limit, so no limit is lost (an early tick finds nothing
/// due). The issuer's attachments, uploaded as drafts, pass to the order in the write that issues it.
/// </summary>
internal sealed partial class OrderGrain(OrderStore store, IOptions<OrderOptions> options, ILiveFeed live, IOrderFeed feed, TimeProvider time, ILogger<OrderGrain> log)
    : Grain, IOrderGrain, IRemindable
{
    // The name from when it followed only the sign-for limit: reminders already stored keep working.
    private const string Limit = "sign-by";

    private OrderState? state;
    private List<OrderEvent> history = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await store.LoadAsync(this.GetPrimaryKeyString(), cancellationToken) is { } loaded)
        {
            (state, history) = loaded;
        }
    }

    public async Task<OrderView> IssueAsync(OrderIssue issue, UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(actor);
        if (!OrderAccess.MayIssue(actor.Role))
        {
            throw new OrderRefusedException(OrderRefusal.Forbidden, "只有领导、值班员和乡镇综治中心可以下达调度指令");
        }

        if (state is not null)
        {
            throw new OrderRefusedException(OrderRefusal.State, "该指令已下达");
        }

        if (issue.Targets.Count == 0 || issue.Targets.DistinctBy(t => t.Key).Count() != issue.Targets.Count)
        {
            throw new OrderRefusedException(OrderRefusal.Invalid, "请选择接收对象，每个对象只能选一次");
        }

        var now = time.GetUtcNow();
        var next = new OrderState
        {
            Id = this.GetPrimaryKeyString(),
            Version = 1,
            IssuerUnit = actor.UnitId,
            IssuedBy = actor.UserName,
            IssuerName = actor.DisplayName,
            RegionCode = actor.Scope,
            IssuedAt = now,
            Text = issue.Text,
            CaseCodes = [.. issue.CaseCodes],
            Lat = issue.Lat,
            Lon = issue.Lon,
            SignBy = issue.SignBy,
            FeedbackBy = issue.FeedbackBy,
            Targets = [.. issue.Targets.Select(t => new OrderTarget { Key = t.Key, Name = t.Name, RegionCode = t.RegionCode })],
            Attachments = [.. issue.Attachments ?? []],
        };
        var note = $"下达给{string.Join("、", next.Targets.Select(t => t.Name))}：{issue.Text}";
        if (next.Attachments.Count > 0)
        {
            note += $"（附件 {next.Attachments.Count} 个）";
        }

        List<OrderEvent> events = [new(1, now, OrderAction.Issue, OrderAction.Issue.ToChinese(), actor.UserName, actor.DisplayName, null, note)];

        // The drafts become the order's in the same write (only the issuer's own drafts: another's stay where they are). Each
        // must change one row: a draft another order took first fails the whole write instead of being listed here unowned.
        var owned = next.Attachments.Select(a => new SqlStatement(
            "UPDATE attachments SET case_code = $1 WHERE id = $2 AND case_code = $3", OrderAttachments.Owner(next.Id), a.Id, OrderAttachments.DraftOwner(actor.UserName))).ToList();

        // Armed before the write: a reminder for an order whose write then failed only ticks once and finds nothing.
        await ArmAsync(next.SignBy);
        try
        {
            await CommitAsync(next, events, [], isNew: true, takes: owned);
        }
        catch (StorageException e) when (e.InnerException is AttachmentTakenException)
        {
            throw new OrderRefusedException(OrderRefusal.State, "附件已被其他指令使用或已过期，请重新上传后再下达");
        }

        return View();
    }

    public Task<OrderView?> GetAsync(UserProfile viewer) =>
        Task.FromResult(state is not null && OrderAccess.CanSee(viewer, state) ? View() : null);

    public async Task<OrderView> SignAsync(UserProfile actor)
    {
        var (next, target) = Receiver(actor);
        if (target.Status != OrderTargetStatus.Pending)
        {
            return View();
        }

        var now = time.GetUtcNow();
        target.Status = OrderTargetStatus.Signed;
        target.SignedAt = now;
        target.SignedBy = actor.UserName;
        target.SignedByName = actor.DisplayName;
        var warnings = new List<SqlStatement>();
        var cleared = target.WarningId;
        if (cleared is not null)
        {
            warnings.Add(WarningRows.Clear(cleared, now));
            target.WarningId = null;
        }

        var late = now > next.SignBy ? "（超过签收时限）" : null;
        next.Version++;
        List<OrderEvent> events = [new(next.Version, now, OrderAction.Sign, OrderAction.Sign.ToChinese(), actor.UserName, actor.DisplayName, target.Key, late)];

        // Signed only after the report-back limit: late for that too, at once.
        var raised = new List<WarningCard>();
        RaiseDue(next, now, events, warnings, raised);

        // The first to sign after everyone else was warned for signing late starts the report-back limit's watch.
        if (next.NextDue is { } due && due != state!.NextDue)
        {
            await ArmAsync(due);
        }

        await CommitAsync(next, events, warnings);
        if (cleared is not null)
        {
            Tell(WarningCard.Cleared(cleared, WarningKind.OrderUnsigned, target.RegionCode, now));
        }

        raised.ForEach(Tell);
        return View();
    }

    public async Task<OrderView> FeedbackAsync(OrderFeedback feedback, UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var (next, target) = Receiver(actor);
        if (feedback.RequestId is not null && target.FeedbackRequests.Contains(feedback.RequestId))
        {
            return View(); // a report back sent again (its answer was lost on the way, maybe before a newer one): kept once
        }

        if (target.Status == OrderTargetStatus.Pending)
        {
            throw new OrderRefusedException(OrderRefusal.State, "请先签收该指令，再反馈");
        }

        var now = time.GetUtcNow();
        target.Status = OrderTargetStatus.Reported;
        target.FeedbackAt = now;
        target.FeedbackBy = actor.UserName;
        target.FeedbackByName = actor.DisplayName;
        target.FeedbackText = feedback.Text;
        if (feedback.RequestId is not null)
        {
            target.FeedbackRequests.Add(feedback.RequestId);
        }
        target.Photos.AddRange(feedback.Photos.Where(p => !target.Photos.Contains(p)));
        var warnings = new List<SqlStatement>();
        var cleared = target.UnreportedId;
        if (cleared is not null)
        {
            warnings.Add(WarningRows.Clear(cleared, now));
            target.UnreportedId = null;
        }

        next.Version++;
        var note = feedback.Photos.Count > 0 ? $"{feedback.Text}（照片 {feedback.Photos.Count} 张）" : feedback.Text;
        if (now > next.FeedbackBy)
        {
            note += "（超过反馈时限）";
        }

        await CommitAsync(next, [new(next.Version, now, OrderAction.Feedback, OrderAction.Feedback.ToChinese(), actor.UserName, actor.DisplayName, target.Key, note)], warnings);
        if (cleared is not null)
        {
            Tell(WarningCard.Cleared(cleared, WarningKind.OrderUnreported, target.RegionCode, now));
        }

        return View();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CatchUpAsync();

    public async Task CatchUpAsync()
    {
        var now = time.GetUtcNow();
        if (state is null)
        {
            await DisarmAsync();
            return;
        }

        var next = OrderStore.Deserialize(OrderStore.Serialize(state));
        var events = new List<OrderEvent>();
        var warnings = new List<SqlStatement>();
        var raised = new List<WarningCard>();
        RaiseDue(next, now, events, warnings, raised);
        if (events.Count > 0)
        {
            await CommitAsync(next, events, warnings);
            raised.ForEach(Tell);
        }

        if (state.NextDue is { } due)
        {
            await ArmAsync(due);
        }
        else
        {
            await DisarmAsync();
        }
    }

    /// <summary>
    /// Raises, on <paramref name="next"/>, the warnings whose limits passed by <paramref name="now"/>: 指令未签收 for a receiver
    /// still pending at the sign-for limit, 指令未反馈 for one signed but not reported back at the report-back limit; each once.
    /// </summary>
    private static void RaiseDue(OrderState next, DateTimeOffset now, List<OrderEvent> events, List<SqlStatement> warnings, List<WarningCard> raised)
    {
        if (next.SignBy <= now)
        {
            foreach (var target in next.Targets.Where(t => t.Status == OrderTargetStatus.Pending && t.WarningId is null))
            {
                target.WarningId = Raise(next, target, WarningKind.OrderUnsigned, OrderAction.Unsigned, $"{target.Name}超过签收时限未签收调度指令：{Short(next.Text)}");
            }
        }

        if (next.FeedbackBy <= now)
        {
            foreach (var target in next.Targets.Where(t => t.Status == OrderTargetStatus.Signed && t.UnreportedId is null))
            {
                target.UnreportedId = Raise(next, target, WarningKind.OrderUnreported, OrderAction.Unreported, $"{target.Name}超过反馈时限未反馈调度指令：{Short(next.Text)}");
            }
        }

        string Raise(OrderState order, OrderTarget target, WarningKind kind, OrderAction action, string message)
        {
            var id = $"{order.Id}-{target.Key}-{kind.Wire()}";
            var worker = WorkerOf(target.Key);
            warnings.Add(WarningRows.Raise(id, kind, WarningLevel.Yellow, $"{order.Id}/{target.Key}", null, worker, target.RegionCode, message, now));
            raised.Add(WarningCard.Raised(id, kind, WarningLevel.Yellow, target.RegionCode, null, worker, message, now));
            order.Version++;
            events.Add(new(order.Version, now, action, action.ToChinese(), "system", "系统", target.Key, message));
            return id;
        }
    }

    /// <summary>Tells the screens of a raised or cleared warning, and the region that counts it (one-way: a lost report heals on its reload).</summary>
    private void Tell(WarningCard card)
    {
        live.WarningChanged(card);
        if (RegionCode.LevelOf(card.RegionCode) is not null)
        {
            _ = GrainFactory.GetGrain<IRegionGrain>(RegionCode.CountedAt(card.RegionCode)).OrderWarningChangedAsync(card.Id, card.Active);
        }
    }

    /// <summary>A copy of the state and the receiver the actor is; refuses as missing what they may not see.</summary>
    private (OrderState Next, OrderTarget Target) Receiver(UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (state is null || !OrderAccess.CanSee(actor, state))
        {
            throw new OrderRefusedException(OrderRefusal.NotFound, "没有这个调度指令");
        }

        var key = OrderAccess.KeyOf(actor);
        var next = OrderStore.Deserialize(OrderStore.Serialize(state));
        return next.Targets.FirstOrDefault(t => t.Key == key) is { } target
            ? (next, target)
            : throw new OrderRefusedException(OrderRefusal.Forbidden, "您不是该指令的接收对象，只有接收对象可以签收和反馈");
    }

    private async Task CommitAsync(OrderState next, List<OrderEvent> events, List<SqlStatement> warnings, bool isNew = false, List<SqlStatement>? takes = null)
    {
        try
        {
            await store.WriteAsync(next, isNew, events, warnings, takes);
        }
        catch (Exception)
        {
            // The write may have committed even so (a connection lost after COMMIT), or another copy wrote first: start afresh.
            DeactivateOnIdle();
            throw;
        }

        state = next;
        history.AddRange(events);
        LogChanged(log, next.Id, events[^1].Action, next.Version);
        feed.OrderChanged(ViewOf(next, []));
    }

    private async Task ArmAsync(DateTimeOffset due)
    {
        // Orleans takes a delay, counted from its own reading of the clock: an early tick finds nothing due and re-arms.
        var delay = due - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(Limit, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, options.Value.ReminderRetry);
    }

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(Limit) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static long? WorkerOf(string key) =>
        key.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal)
        && long.TryParse(key.AsSpan(Assignee.WorkerPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    private static string Short(string text) => text.Length > 30 ? text[..30] + "…" : text;

    private OrderView View() => ViewOf(state!, history);

    internal static OrderView ViewOf(OrderState s, IReadOnlyList<OrderEvent> history) => new(
        s.Id, s.Text, s.IssuerUnit, s.IssuedBy, s.IssuerName, s.RegionCode, s.IssuedAt, s.SignBy, s.FeedbackBy, s.CaseCodes, s.Lat, s.Lon, s.Open, s.Version,
        s.Targets.Count, s.Targets.Count(t => t.Status != OrderTargetStatus.Pending), s.Targets.Count(t => t.Status == OrderTargetStatus.Reported),
        s.Targets.Count(t => t.WarningId is not null) + s.Targets.Count(t => t.UnreportedId is not null),
        [.. s.Targets.Select(t => new OrderTargetView(
            t.Key, t.Name, t.RegionCode, t.Status, t.WarningId is not null ? "超时未签收" : t.UnreportedId is not null ? "超时未反馈" : t.Status.ToChinese(),
            t.SignedAt, t.SignedByName, t.FeedbackAt, t.FeedbackByName, t.FeedbackText, [.. t.Photos], t.WarningId is not null, t.UnreportedId is not null))],
        [.. history], [.. s.Attachments]);

    [LoggerMessage(EventId = 460, Level = LogLevel.Debug, Message = "Order {OrderId}: {Action} (v{Version})")]
    private static partial void LogChanged(ILogger logger, string orderId, OrderAction action, int version);
}
