using Command.Data;

namespace Command.Grains.Audit;

/// <summary>Who did what, durable before the caller goes on: imports, seeding, sign-ins, lock-outs.</summary>
public sealed class AuditLog(Database database, TimeProvider time)
{
    public SqlStatement Entry(string actor, string action, string? target, string? detail = null) => new(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
        time.GetUtcNow().ToUnixTimeMilliseconds(), actor, action, target, detail);

    public Task RecordAsync(string actor, string action, string? target, string? detail = null) =>
        database.WriteAsync(Entry(actor, action, target, detail));
}
