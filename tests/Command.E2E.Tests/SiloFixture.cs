using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Command.Bench;
using Microsoft.Playwright;

namespace Command.E2E.Tests;

/// <summary>What the browser fixtures (<see cref="ScreenSilo"/>, <see cref="CallSilo"/>) share: the build to run, demo tokens, the stop.</summary>
internal static class SiloFixture
{
    /// <summary>The silo is run from the build the tests were built in.</summary>
    public static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>An API client with a bearer token of a demo account (password demo), signing in once per account.</summary>
    public static async Task<HttpClient> ApiAsync(Uri baseAddress, ConcurrentDictionary<string, string> tokens, string userName)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (!tokens.TryGetValue(userName, out var token))
        {
            var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
            token = (await ScreenSilo.Json(response)).GetProperty("token").GetString()!;
            tokens[userName] = token;
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Closes the browser, stops the silo gracefully, and keeps its output as artifacts/e2e/<paramref name="log"/>; the silo
    /// is ended even when closing the browser or the graceful stop failed.
    /// </summary>
    public static async Task StopAsync(IBrowser? browser, IPlaywright? playwright, SiloProcess? silo, string log)
    {
        try
        {
            if (browser is not null)
            {
                await browser.CloseAsync();
            }

            playwright?.Dispose();
            if (silo is { Process.HasExited: false })
            {
                await silo.InterruptAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            if (silo is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(ScreenSilo.Artifacts("e2e"), log), silo.Output);
                await silo.DisposeAsync();
            }
        }
    }
}
