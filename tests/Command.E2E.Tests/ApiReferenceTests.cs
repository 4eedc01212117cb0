using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>The API reference page (Scalar over the OpenAPI document) in a real browser, on a machine without the internet.</summary>
[Collection(ScreenCollection.Name)]
public sealed class ApiReferenceTests(ScreenSilo silo)
{
    [SkippableFact]
    public async Task A_signed_in_user_reads_the_api_reference_with_nothing_fetched_from_elsewhere()
    {
        await silo.RunAsync(nameof(A_signed_in_user_reads_the_api_reference_with_nothing_fetched_from_elsewhere), async page =>
        {
            var elsewhere = new ConcurrentQueue<string>();
            page.Request += (_, request) =>
            {
                if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != silo.BaseAddress.Authority)
                {
                    elsewhere.Enqueue(request.Url);
                }
            };
            await page.SignInAsync("duty");

            await page.GotoAsync("/scalar");

            // The document's own text: an operation of the open first tag, and the code table with the categories' Chinese names.
            await Expect(page.GetByText("Signs in with a user name and password").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "代码表" })).ToBeVisibleAsync();
            await Expect(page.GetByText("婚姻家庭").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "api-reference.png") });
            Assert.Empty(elsewhere);
        });
    }
}
