using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Command.Data;
using Command.Grains.Audit;

namespace Command.Grains.Attachments;

/// <summary>An attachment as users see it; <see cref="Url"/> serves its content.</summary>
public sealed record AttachmentInfo(string Id, string Name, string ContentType, long Size, string Url, string UploadedBy, DateTimeOffset UploadedAt)
{
    public static string UrlOf(string id) => $"/api/attachments/{id}";
}

/// <summary>An attachment's metadata, the case it belongs to, and its bytes.</summary>
public sealed record AttachmentFile(AttachmentInfo Info, string CaseCode, byte[] Content);

/// <summary>
/// Owns the <c>attachments</c> table: the photos and documents of cases, bytes included (see the migration for why the
/// database and not the disk). Who may add or read one is the caller's check, against the case.
/// </summary>
public sealed class AttachmentStore(Database database, AuditLog audit, TimeProvider time)
{
    /// <summary>The migration component of this table (<c>migrations/attachments/{provider}/NNNN_name.sql</c>).</summary>
    public const string MigrationComponent = "attachments";

    private const string Columns = "id, name, content_type, size, uploaded_by, uploaded_at";

    /// <summary>Stores the content (already checked: an accepted kind, within the size limit) with an audit entry; answers once durable.</summary>
    public async Task<AttachmentInfo> AddAsync(string caseCode, string name, string contentType, byte[] content, string uploadedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = Base64Url(RandomNumberGenerator.GetBytes(16));
        var at = time.GetUtcNow();
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        await database.WriteAsync(
            [
                new SqlStatement(
                    "INSERT INTO attachments (id, case_code, name, content_type, size, sha256, uploaded_by, uploaded_at, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    id, caseCode, name, contentType, (long)content.Length, hash, uploadedBy, at.ToUnixTimeMilliseconds(), content),
                audit.Entry(uploadedBy, "attachment-upload", caseCode, $"{id} {contentType} {content.Length} {name}"),
            ], cancellationToken).ConfigureAwait(false);
        return new AttachmentInfo(id, name, contentType, content.Length, AttachmentInfo.UrlOf(id), uploadedBy, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()));
    }

    /// <summary>The case's attachments, oldest first.</summary>
    public async Task<List<AttachmentInfo>> ListAsync(string caseCode, CancellationToken cancellationToken = default)
    {
        var items = new List<AttachmentInfo>();
        await database.QueryAsync(
            new SqlStatement($"SELECT {Columns} FROM attachments WHERE case_code = $1 ORDER BY uploaded_at, id", caseCode),
            r => items.Add(Read(r)), cancellationToken).ConfigureAwait(false);
        return items;
    }

    /// <summary>The attachment with its content, or null when there is none with that id.</summary>
    public async Task<AttachmentFile?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        AttachmentFile? file = null;
        await database.QueryAsync(
            new SqlStatement($"SELECT {Columns}, case_code, content FROM attachments WHERE id = $1", id),
            r => file = new AttachmentFile(Read(r), r.GetString(6), r.GetFieldValue<byte[]>(7)), cancellationToken).ConfigureAwait(false);
        return file;
    }

    /// <summary>How many files an owner holds and their bytes (for a cap on drafts not yet taken).</summary>
    public async Task<(int Count, long Bytes)> TotalAsync(string caseCode, CancellationToken cancellationToken = default)
    {
        (int, long) total = (0, 0);
        await database.QueryAsync(
            new SqlStatement("SELECT count(*), coalesce(sum(size), 0) FROM attachments WHERE case_code = $1", caseCode),
            r => total = (Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>
    /// Deletes the files whose owner starts with <paramref name="ownerPrefix"/> uploaded before <paramref name="before"/>
    /// (drafts nothing took), with an audit entry by <paramref name="actor"/> when there were any; returns how many.
    /// </summary>
    public async Task<int> DeleteOlderAsync(string ownerPrefix, DateTimeOffset before, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerPrefix);
        if (ownerPrefix.AsSpan().IndexOfAny("%_\\") >= 0)
        {
            throw new ArgumentException("The owner prefix must not hold LIKE wildcards.", nameof(ownerPrefix));
        }

        var cutoff = before.ToUnixTimeMilliseconds();
        long stale = 0;
        await database.QueryAsync(
            new SqlStatement("SELECT count(*) FROM attachments WHERE case_code LIKE $1 AND uploaded_at < $2", ownerPrefix + "%", cutoff),
            r => stale = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (stale == 0)
        {
            return 0; // nothing to delete: no audit entry every sweep
        }

        var rows = await database.WriteAsync(
            [
                new SqlStatement("DELETE FROM attachments WHERE case_code LIKE $1 AND uploaded_at < $2", ownerPrefix + "%", cutoff),
                audit.Entry(actor, "attachment-draft-sweep", ownerPrefix, $"uploaded before {before:O}"),
            ], cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    private static AttachmentInfo Read(DbDataReader r)
    {
        var id = r.GetString(0);
        return new AttachmentInfo(
            id, r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), AttachmentInfo.UrlOf(id), r.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
