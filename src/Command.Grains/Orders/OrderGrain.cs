using Command.Data;
using Command.Grains.Dispatch;
using Command.Grains.Live;
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
/// receiver has neither signed nor been warned; it is armed before the write that sets the limit, so no limit is lost
/// (an early tick finds nothing due).
/// </summary>
internal sealed partial class OrderGrain(OrderStore store, IOptions<OrderOptions> options, ILiveFeed live, IOrderFeed feed, TimeProvider time, ILogger<OrderGrain> log)
    : Grain, IOrderGrain, IRemindable
{
    private const string SignLimit = "sign-by";

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
        };
        var note = $"下达给{string.Join("、", next.Targets.Select(t => t.Name))}：{issue.Text}";
        List<OrderEvent> events = [new(1, now, OrderAction.Issue, OrderAction.Issue.ToChinese(), actor.UserName, actor.DisplayName, null, note)];

        // Armed before the write: a reminder for an order whose write then failed only ticks once and finds nothing.
        await ArmAsync(next.SignBy);
        await CommitAsync(next, events, [], isNew: true);
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
        await CommitAsync(next, [new(next.Version, now, OrderAction.Sign, OrderAction.Sign.ToChinese(), actor.UserName, actor.DisplayName, target.Key, late)], warnings);
        if (cleared is not null)
        {
            live.WarningChanged(WarningCard.Cleared(cleared, WarningKind.OrderUnsigned, target.RegionCode, now));
        }

        return View();
    }

    public async Task<OrderView> FeedbackAsync(OrderFeedback feedback, UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var (next, target) = Receiver(actor);
        if (feedback.RequestId is not null && target.FeedbackRequest == feedback.RequestId)
        {
            return View(); // the same report back sent again (its answer was lost on the way): kept once
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
        target.FeedbackRequest = feedback.RequestId;
        target.Photos.AddRange(feedback.Photos.Where(p => !target.Photos.Contains(p)));
        next.Version++;
        var note = feedback.Photos.Count > 0 ? $"{feedback.Text}（照片 {feedback.Photos.Count} 张）" : feedback.Text;
        await CommitAsync(next, [new(next.Version, now, OrderAction.Feedback, OrderAction.Feedback.ToChinese(), actor.UserName, actor.DisplayName, target.Key, note)], []);
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
        if (next.SignBy <= now)
        {
            foreach (var target in next.Targets.Where(t => t.Status == OrderTargetStatus.Pending && t.WarningId is null))
            {
                var id = $"{next.Id}-{target.Key}-{WarningKind.OrderUnsigned.Wire()}";
                var message = $"{target.Name}超过签收时限未签收调度指令：{Short(next.Text)}";
                var worker = WorkerOf(target.Key);
                warnings.Add(WarningRows.Raise(id, WarningKind.OrderUnsigned, WarningLevel.Yellow, $"{next.Id}/{target.Key}", null, worker, target.RegionCode, message, now));
                raised.Add(WarningCard.Raised(id, WarningKind.OrderUnsigned, WarningLevel.Yellow, target.RegionCode, null, worker, message, now));
                target.WarningId = id;
                next.Version++;
                events.Add(new(next.Version, now, OrderAction.Unsigned, OrderAction.Unsigned.ToChinese(), "system", "系统", target.Key, message));
            }
        }

        if (events.Count > 0)
        {
            await CommitAsync(next, events, warnings);
            foreach (var card in raised)
            {
                live.WarningChanged(card);
            }
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

    private async Task CommitAsync(OrderState next, List<OrderEvent> events, List<SqlStatement> warnings, bool isNew = false)
    {
        try
        {
            await store.WriteAsync(next, isNew, events, warnings);
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
        await this.RegisterOrUpdateReminder(SignLimit, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, options.Value.ReminderRetry);
    }

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(SignLimit) is { } reminder)
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
        s.Targets.Count(t => t.WarningId is not null),
        [.. s.Targets.Select(t => new OrderTargetView(
            t.Key, t.Name, t.RegionCode, t.Status, t.WarningId is not null ? "超时未签收" : t.Status.ToChinese(), t.SignedAt, t.SignedByName, t.FeedbackAt, t.FeedbackByName,
            t.FeedbackText, [.. t.Photos], t.WarningId is not null))],
        [.. history]);

    [LoggerMessage(EventId = 460, Level = LogLevel.Debug, Message = "Order {OrderId}: {Action} (v{Version})")]
    private static partial void LogChanged(ILogger logger, string orderId, OrderAction action, int version);
}
