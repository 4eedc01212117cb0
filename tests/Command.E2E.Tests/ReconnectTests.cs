using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>
/// The screen losing its connection, as on a flaky network: the browser routes /hubs/dashboard through Playwright,
/// which cuts the WebSocket and refuses new connections for a while, then lets them through again.
/// </summary>
[Collection(ScreenCollection.Name)]
public sealed class ReconnectTests(ScreenSilo silo)
{
    [SkippableFact]
    public async Task The_screen_shows_a_banner_while_disconnected_and_after_reconnecting_has_what_happened_meanwhile_without_duplicates()
    {
        await silo.CreateCaseAsync();

        await silo.RunAsync(nameof(The_screen_shows_a_banner_while_disconnected_and_after_reconnecting_has_what_happened_meanwhile_without_duplicates), async page =>
        {
            var cut = false;
            var sockets = new List<IWebSocketRoute>();
            await page.RouteAsync(IsHub, route => Volatile.Read(ref cut) ? route.AbortAsync() : route.ContinueAsync());
            await page.RouteWebSocketAsync(IsHub, socket =>
            {
                if (Volatile.Read(ref cut))
                {
                    _ = socket.CloseAsync();
                    return;
                }

                socket.ConnectToServer();
                lock (sockets)
                {
                    sockets.Add(socket);
                }
            });

            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#live-banner")).ToBeHiddenAsync();
            var tasks = page.Locator("#tasks [data-case]");
            await Expect(tasks.First).ToBeVisibleAsync();

            // The network goes: the open WebSocket is cut and every new attempt fails.
            Volatile.Write(ref cut, true);
            IWebSocketRoute[] open;
            lock (sockets)
            {
                open = [.. sockets];
            }

            foreach (var socket in open)
            {
                await socket.CloseAsync(new() { Code = 4000, Reason = "network lost (test)" });
            }

            await Expect(page.Locator("#live-banner")).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Expect(page.Locator("#screen")).ToHaveAttributeAsync("data-live", "false");
            await Expect(page.Locator("#live-status")).ToContainTextAsync("重连中");

            // Meanwhile a case arrives, which the screen cannot hear about.
            var created = await silo.CreateCaseAsync();
            var code = created.GetProperty("code").GetString()!;
            await page.WaitForTimeoutAsync(1000);
            await Expect(page.Locator($"#tasks [data-case='{code}']")).ToHaveCountAsync(0);

            // The network is back: the screen reconnects by itself, drops the banner and shows the new case, once.
            Volatile.Write(ref cut, false);
            await Expect(page.Locator("#live-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#live-status")).ToContainTextAsync("实时");
            await Expect(page.Locator($"#tasks [data-case='{code}']")).ToHaveCountAsync(1);
            var shown = await tasks.EvaluateAllAsync<string[]>("items => items.map(i => i.getAttribute('data-case'))");
            Assert.Equal(shown.Distinct().Count(), shown.Length);
        });
    }

    private static bool IsHub(string url) => new Uri(url).AbsolutePath.StartsWith("/hubs/dashboard", StringComparison.Ordinal);
}
