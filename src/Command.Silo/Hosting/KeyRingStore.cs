using System.Xml.Linq;
using Command.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Command.Silo.Hosting;

/// <summary>
/// ASP.NET Core's data-protection key ring in the database (<c>data_protection_keys</c>): a sign-in cookie, bearer token
/// or antiforgery token made by one silo is read by every silo over the same database, and after a restart.
/// <para>
/// The keys are stored as the key manager hands them over, unencrypted, and ASP.NET says so with a warning ("No XML
/// encryptor configured") whenever it creates one. That is the intended trade: whoever can read this database can read
/// the keys and forge a sign-in, but can already read every account and case in it, so access to the database is the
/// boundary, as access to the data directory was for the key files before. Encrypting them would need a secret that
/// every silo holds and that is kept somewhere other than the database; we have none.
/// </para>
/// </summary>
internal sealed class KeyRingStore(Database database, TimeProvider time) : IXmlRepository
{
    // The key manager's interface is synchronous. It reads the ring at start, about once a day after that, and, in its
    // first two minutes, when a token names a key it has not seen; it writes when it creates or revokes a key. Blocking
    // on those is cheap, and nothing below resumes on the caller's context, so blocking cannot deadlock.

    public IReadOnlyCollection<XElement> GetAllElements() => ReadAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        database.WriteAsync(Insert(element, string.IsNullOrEmpty(friendlyName) ? $"element-{Guid.NewGuid():D}" : friendlyName))
            .GetAwaiter().GetResult();
    }

    public async Task<IReadOnlyList<XElement>> ReadAsync(CancellationToken cancellationToken)
    {
        var elements = new List<XElement>();
        await database.QueryAsync(
            new SqlStatement("SELECT xml FROM data_protection_keys ORDER BY id"),
            row => elements.Add(XElement.Parse(row.GetString(0))),
            cancellationToken).ConfigureAwait(false);
        return elements;
    }

    /// <summary>
    /// Stores the key files an earlier version kept in <paramref name="directory"/> (<c>{friendly name}.xml</c>) that the
    /// table does not hold yet, so sign-ins made before the upgrade stay valid. Answers how many it stored; the files
    /// stay where they are. Run it where no other silo does (under the key ring's lock): two runs at once could store a
    /// key twice, which the key manager refuses to read.
    /// </summary>
    public async Task<int> CarryOverAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var stored = new HashSet<string>(StringComparer.Ordinal);
        await database.QueryAsync(new SqlStatement("SELECT friendly_name FROM data_protection_keys"), row => stored.Add(row.GetString(0)), cancellationToken).ConfigureAwait(false);
        var statements = new List<SqlStatement>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.xml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (stored.Add(name))
            {
                statements.Add(Insert(XElement.Load(file), name));
            }
        }

        if (statements.Count > 0)
        {
            await database.WriteAsync(statements, cancellationToken).ConfigureAwait(false);
        }

        return statements.Count;
    }

    private SqlStatement Insert(XElement element, string friendlyName) => new(
        "INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES ($1, $2, $3)",
        friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow().ToUnixTimeMilliseconds());
}
