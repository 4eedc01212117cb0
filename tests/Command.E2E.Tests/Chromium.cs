namespace Command.E2E.Tests;

/// <summary>
/// The Chromium the browser tests drive: the system's (Debian's package, which scripts/test.sh installs), never one
/// Playwright downloads. COMMAND_CHROMIUM names it; /usr/bin/chromium is the default. Without it the tests are skipped,
/// except under CI=true, where they fail: CI must run them.
/// </summary>
internal static class Chromium
{
    public const string Variable = "COMMAND_CHROMIUM";
    private const string DefaultPath = "/usr/bin/chromium";

    /// <summary>The executable, or null with the reason it is missing.</summary>
    public static string? Find(out string? missing)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        path = string.IsNullOrWhiteSpace(path) ? DefaultPath : path;
        missing = File.Exists(path) ? null : $"Chromium is not installed at {path} (set {Variable}, or run scripts/test.sh, which installs Debian's chromium and fonts-noto-cjk)";
        return missing is null ? path : null;
    }

    /// <summary>Skips the calling test when Chromium is missing; fails it under CI=true.</summary>
    public static void Require(string? missing)
    {
        if (missing is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true but {missing}: browser tests must run in CI.");
        }

        Skip.If(true, missing);
    }
}
