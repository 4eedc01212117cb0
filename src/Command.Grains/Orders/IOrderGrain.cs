using Command.Grains.Users;
using Orleans;

namespace Command.Grains.Orders;

/// <summary>One dispatch order (调度指令), keyed by its random id. Refusals are <see cref="OrderRefusedException"/>.</summary>
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Issues the order (once); answers when it is durable and pushed.</summary>
    Task<OrderView> IssueAsync(OrderIssue issue, UserProfile actor);

    /// <summary>The order as <paramref name="viewer"/> may see it; null when there is none or it is out of their sight.</summary>
    Task<OrderView?> GetAsync(UserProfile viewer);

    /// <summary>签收 by the receiver the actor is (again: no change).</summary>
    Task<OrderView> SignAsync(UserProfile actor);

    /// <summary>反馈 by the receiver the actor is, after signing; each report back is kept.</summary>
    Task<OrderView> FeedbackAsync(OrderFeedback feedback, UserProfile actor);

    /// <summary>Raises the warnings of the limits that passed (the reminder's work; safe to call any time).</summary>
    Task CatchUpAsync();
}
