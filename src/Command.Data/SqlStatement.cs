namespace Command.Data;

/// <summary>One SQL statement with positional parameters written $1, $2, … (both providers accept that form).</summary>
public readonly record struct SqlStatement(string Sql, params object?[] Parameters);

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
