using System.Security.Cryptography;
using System.Text;

namespace Command.Web.Video;

/// <summary>
/// A TURN account under coturn's REST API (<c>use-auth-secret</c>): the user name is "&lt;unix expiry&gt;:&lt;user&gt;" and the
/// password base64(HMAC-SHA1(secret, user name)). coturn checks both itself, so nothing is stored and the account lapses alone.
/// </summary>
public sealed record TurnCredential(string Username, string Credential, DateTimeOffset Expires)
{
    public static TurnCredential Mint(string secret, string user, DateTimeOffset now, TimeSpan lifetime)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());

        // coturn reads the expiry up to the first ':'; a user name is only a label, so no ':' or space may confuse it.
        var label = new string(user.Select(c => c is ':' || char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c).ToArray());
        var username = $"{expires.ToUnixTimeSeconds()}:{label}";
        var credential = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
        return new TurnCredential(username, credential, expires);
    }
}
