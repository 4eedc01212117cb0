using System.Data.Common;
using System.Globalization;
using System.Text;
using Command.Data;

namespace Command.Grains.Users;

/// <summary>
/// The <c>users</c> table: the searchable list of accounts. Rows are written only by <see cref="UserGrain"/> (each
/// account's one owner), read here for the admin's list.
/// </summary>
public sealed class UserStore(Database database)
{
    private const string Columns = "user_name, display_name, role, unit_id, scope, worker_id, locked, created_at, created_by, updated_at, updated_by";

    /// <summary>Writes the account's row (insert or replace).</summary>
    internal static SqlStatement Upsert(UserAccount account) => Row(account, "ON CONFLICT (user_name) DO UPDATE SET display_name = excluded.display_name, "
        + "role = excluded.role, unit_id = excluded.unit_id, scope = excluded.scope, worker_id = excluded.worker_id, locked = excluded.locked, "
        + "updated_at = excluded.updated_at, updated_by = excluded.updated_by");

    /// <summary>Lists an account created before the table existed; leaves a listed one alone.</summary>
    internal static SqlStatement InsertIfMissing(UserAccount account) => Row(account, "ON CONFLICT (user_name) DO NOTHING");

    private static SqlStatement Row(UserAccount a, string onConflict) => new(
        $"INSERT INTO users ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) {onConflict}",
        a.Profile.UserName, a.Profile.DisplayName, a.Profile.Role.ToString(), a.Profile.UnitId, a.Profile.Scope, a.Profile.WorkerId,
        a.Locked ? 1 : 0, a.CreatedAt.ToUnixTimeMilliseconds(), a.CreatedBy, a.UpdatedAt.ToUnixTimeMilliseconds(), a.UpdatedBy);

    /// <summary>The listed account of a (normalized) user name, read from the table alone: no grain is woken for a name that has none.</summary>
    public async Task<UserAccount?> FindAsync(string userName, CancellationToken cancellationToken = default)
    {
        UserAccount? found = null;
        await database.QueryAsync(new SqlStatement($"SELECT {Columns} FROM users WHERE user_name = $1", userName), row => found = Read(row), cancellationToken)
            .ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// Accounts whose user name or display name contains <paramref name="search"/> (any case), of <paramref name="role"/>
    /// and inside <paramref name="scope"/> (a region code prefix) when given; by user name, one page.
    /// </summary>
    public async Task<UserPage> SearchAsync(string? search, UserRole? role, string? scope, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<object?>();
        string Next(object? value)
        {
            parameters.Add(value);
            return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            var p = Next(pattern);
            where.Append(CultureInfo.InvariantCulture, $" AND (lower(user_name) LIKE {p} ESCAPE '\\' OR lower(display_name) LIKE {p} ESCAPE '\\')");
        }

        if (role is { } r)
        {
            where.Append(" AND role = ").Append(Next(r.ToString()));
        }

        if (!string.IsNullOrEmpty(scope))
        {
            where.Append(" AND scope LIKE ").Append(Next(scope + "%"));
        }

        var total = 0;
        await database.QueryAsync(new SqlStatement("SELECT count(*) FROM users" + where, [.. parameters]),
            row => total = Convert.ToInt32(row.GetValue(0), CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        var items = new List<UserAccount>();
        var offset = (long)(page - 1) * pageSize;
        await database.QueryAsync(
            new SqlStatement(
                $"SELECT {Columns} FROM users{where} ORDER BY user_name LIMIT {pageSize.ToString(CultureInfo.InvariantCulture)} OFFSET {offset.ToString(CultureInfo.InvariantCulture)}",
                [.. parameters]),
            row => items.Add(Read(row)),
            cancellationToken).ConfigureAwait(false);
        return new UserPage(total, page, pageSize, items);
    }

    private static UserAccount Read(DbDataReader r)
    {
        static DateTimeOffset At(DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture));
        var role = Enum.TryParse<UserRole>(r.GetString(2), out var parsed) ? parsed : UserRole.GridWorker;
        var profile = new UserProfile(
            r.GetString(0), r.GetString(1), role, r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture));
        return new UserAccount(profile, Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture) != 0, null, At(r, 7), r.GetString(8), At(r, 9), r.GetString(10));
    }
}
