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

    private static AttachmentInfo Read(DbDataReader r)
    {
        var id = r.GetString(0);
        return new AttachmentInfo(
            id, r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), AttachmentInfo.UrlOf(id), r.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
