namespace Command.Grains.Users;

/// <summary>Hashes and verifies passwords (the host supplies ASP.NET Core's password hasher).</summary>
public interface ICredentialHasher
{
    string Hash(string password);

    bool Verify(string hash, string password);
}
