using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Data;
using Command.Grains.Regions;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>Photos and documents of a case: checked by content and size, stored with who uploaded them, shown only to who may see the case.</summary>
public sealed class AttachmentsApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    /// <summary>The smallest valid PNG: one transparent pixel.</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_photo_uploaded_by_the_township_is_listed_with_the_case_and_served_back_byte_for_byte()
    {
        var code = await CaseIn(DemoSilo.Chengguan);
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var response = await Upload(town, code, Png, "现场照片.jpg", "application/octet-stream");
        var created = await DemoSilo.Json(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("image/png", created.GetProperty("contentType").GetString());   // by content, not by the ".jpg" name
        Assert.Equal("现场照片.jpg", created.GetProperty("name").GetString());
        Assert.Equal(Png.Length, created.GetProperty("size").GetInt64());
        Assert.Equal($"town-{DemoSilo.Chengguan}", created.GetProperty("uploadedBy").GetString());
        var url = created.GetProperty("url").GetString()!;
        Assert.Equal(url, response.Headers.Location?.OriginalString);

        var file = await town.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("sandbox", Assert.Single(file.Headers.GetValues("Content-Security-Policy")));

        using var duty = await silo.As("duty");
        var view = await DemoSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
        var listed = Assert.Single(view.GetProperty("attachments").EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        Assert.Equal($"town-{DemoSilo.Chengguan}", listed.GetProperty("uploadedBy").GetString());
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM audit_log WHERE action = 'attachment-upload' AND target = $1", code));
    }

    [Fact]
    public async Task Another_township_gets_404_for_the_case_and_its_attachment_as_if_neither_existed()
    {
        var code = await CaseIn(DemoSilo.Chengguan);
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        var url = (await DemoSilo.Json(await Upload(town, code, Png, "a.png", "image/png"))).GetProperty("url").GetString()!;
        using var other = await silo.As($"town-{DemoSilo.Shengle}");

        var read = await other.GetAsync(url);
        var missing = await other.GetAsync("/api/attachments/AAAAAAAAAAAAAAAAAAAAAA");
        var upload = await Upload(other, code, Png, "b.png", "image/png");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM attachments WHERE case_code = $1", code));
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Anonymous().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_file_of_another_type_is_refused_whatever_its_name_and_stores_nothing()
    {
        var code = await CaseIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");

        var script = await Upload(duty, code, "<html><script>alert(1)</script></html>"u8.ToArray(), "photo.jpg", "image/jpeg");
        var gif = await Upload(duty, code, "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), "photo.png", "image/png");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, script.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, gif.StatusCode);
        Assert.Contains("JPEG", (await script.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM attachments WHERE case_code = $1", code));
    }

    [Fact]
    public async Task A_file_over_10_MB_is_refused_and_stores_nothing()
    {
        var code = await CaseIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        var big = new byte[(10 * 1024 * 1024) + 1];
        Png.CopyTo(big, 0);

        var response = await Upload(duty, code, big, "big.png", "image/png");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM attachments WHERE case_code = $1", code));
    }

    [SkippableFact]
    public async Task Attachments_are_kept_in_PostgreSQL_too()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var factory = new SiloFactory(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = Together.SmallPools(database),
            ["Demo:Enabled"] = "true",
        });
        using var duty = factory.CreateClient();
        duty.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignIns.TokenAsync(factory, "duty", "demo"));
        var code = await CreateCase(factory, duty, DemoSilo.Chengguan);

        var created = await DemoSilo.Json(await Upload(duty, code, Png, "p.png", "image/png"));

        Assert.Equal(Png, await duty.GetByteArrayAsync(created.GetProperty("url").GetString()));
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM attachments WHERE case_code = $1", code)));
    }

    internal static async Task<HttpResponseMessage> Upload(HttpClient client, string code, byte[] bytes, string name, string contentType)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", name);
        return await client.PostAsync($"/api/cases/{code}/attachments", form);
    }

    private async Task<string> CaseIn(string township)
    {
        using var duty = await silo.As("duty");
        return await CreateCase(silo.Factory, duty, township);
    }

    private static async Task<string> CreateCase(SiloFactory factory, HttpClient duty, string township)
    {
        var grid = factory.Services.GetRequiredService<RegionDirectory>().WorkersWithin(township).First().GridCode;
        var point = factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        var created = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/cases",
            new { channel = "walk_in", category = "02", urgency = "low", title = "邻里纠纷", description = "噪音扰民", lat = point.Lat, lon = point.Lon }));
        return created.GetProperty("code").GetString()!;
    }

    private async Task<long> CountAsync(string sql, params object?[] parameters)
    {
        long count = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement(sql, parameters), r => count = Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return count;
    }
}
