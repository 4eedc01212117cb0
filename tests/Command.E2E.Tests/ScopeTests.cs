using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>A township center sees its own township on the big screen and nothing of its neighbours, by page or by hub.</summary>
[Collection(ScreenCollection.Name)]
public sealed class ScopeTests(ScreenSilo silo)
{
    private const string Own = ScreenSilo.Chengguan;

    [SkippableFact]
    public async Task A_township_user_cannot_open_another_townships_scope()
    {
        var other = (await silo.TownshipsAsync()).Keys.Where(code => code != Own).Order(StringComparer.Ordinal).First();

        await silo.RunAsync(nameof(A_township_user_cannot_open_another_townships_scope), async page =>
        {
            await page.SignInAsync($"town-{Own}");

            // The page refuses the other township: 403, or its own screen with a message that tells as much as for a code
            // that does not exist.
            var response = await page.GotoAsync($"/?scope={other}");
            if (response?.Status != 403)
            {
                await page.ExpectLiveAsync(Own);
                await Expect(page.Locator("#toast")).ToContainTextAsync($"区划 {other} 不存在");
            }

            // The hub refuses it too, whatever the page does: a connection of our own in the signed-in page.
            await page.GotoAsync("/");
            await page.ExpectLiveAsync(Own);
            if (await page.EvaluateAsync<bool>("() => typeof signalR === 'undefined'"))
            {
                await page.AddScriptTagAsync(new() { Url = "/_content/Command.Web/lib/signalr.min.js" });
            }

            var answers = await page.EvaluateAsync<JsonElement>(
                """
                async (scopes) => {
                  const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/dashboard').build();
                  await connection.start();
                  try {
                    const answers = [];
                    for (const scope of scopes) {
                      const r = await connection.invoke('Watch', scope);
                      answers.push({ ok: r.ok, code: r.error ? r.error.code : null, scope: r.snapshot ? r.snapshot.scope.code : null });
                    }
                    return answers;
                  } finally {
                    await connection.stop();
                  }
                }
                """,
                new[] { other, Own });

            var refused = answers[0];
            Assert.False(refused.GetProperty("ok").GetBoolean(), $"Watch('{other}') as town-{Own}: {refused}");
            Assert.Equal("not_found", refused.GetProperty("code").GetString());
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("scope").ValueKind);

            // The same connection may watch its own township: the refusal above is about scope, not a broken hub.
            var own = answers[1];
            Assert.True(own.GetProperty("ok").GetBoolean(), $"Watch('{Own}') as town-{Own}: {own}");
            Assert.Equal(Own, own.GetProperty("scope").GetString());
        });
    }
}
