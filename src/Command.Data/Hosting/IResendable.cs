namespace Command.Data.Hosting;

/// <summary>
/// A grain call argument that makes its call safe to send twice: the target keeps <see cref="RequestId"/> with what the call
/// changed, and answers a repeat from what it stored instead of applying it again. <see cref="FailoverRetry"/> resends such a
/// call when the silo it went to died before answering.
/// </summary>
public interface IResendable
{
    /// <summary>Unique per request (and per caller); null makes the call an ordinary one, never resent.</summary>
    string? RequestId { get; }
}
