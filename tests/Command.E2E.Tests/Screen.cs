using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>What a user does on the big screen, in the page's own terms (docs/big-screen.md lists the selectors).</summary>
internal static class Screen
{
    /// <summary>How long the screen may take to load its snapshot and go live.</summary>
    public static readonly TimeSpan GoLive = TimeSpan.FromSeconds(20);

    /// <summary>Signs in through the form at /login, as a person does, and waits to leave it.</summary>
    public static async Task SignInAsync(this IPage page, string userName, string password = "demo")
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal), new() { Timeout = 15_000 });
    }

    /// <summary>Waits until the screen shows the scope and is live (snapshot applied, deltas flowing).</summary>
    public static async Task ExpectLiveAsync(this IPage page, string scope)
    {
        var screen = page.Locator("#screen");
        await Expect(screen).ToHaveAttributeAsync("data-scope", scope, new() { Timeout = (float)GoLive.TotalMilliseconds });
        await Expect(screen).ToHaveAttributeAsync("data-live", "true", new() { Timeout = (float)GoLive.TotalMilliseconds });
    }

    /// <summary>A count the map reports drawing now: data-workers, data-cases or data-warnings.</summary>
    public static async Task<int> MapCountAsync(this IPage page, string attribute)
    {
        var value = await page.Locator("#map").GetAttributeAsync(attribute);
        Assert.True(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count), $"#map[{attribute}] is \"{value}\", not a count");
        return count;
    }

    /// <summary>Waits until a map count satisfies a condition (a JS expression over n), at most the given time.</summary>
    public static async Task ExpectMapCountAsync(this IPage page, string attribute, string condition, TimeSpan timeout)
    {
        try
        {
            await page.WaitForFunctionAsync(
                $"() => {{ const n = Number(document.querySelector('#map')?.getAttribute('{attribute}')); return {condition}; }}",
                null,
                new() { Timeout = (float)Math.Max(1, timeout.TotalMilliseconds) });
        }
        catch (TimeoutException)
        {
            var value = await page.Locator("#map").GetAttributeAsync(attribute);
            Assert.Fail($"#map[{attribute}] should satisfy {condition} within {timeout.TotalSeconds:0.0} s; it is {value}");
        }
    }
}
