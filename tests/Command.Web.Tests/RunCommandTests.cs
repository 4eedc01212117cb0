using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>The product as a newcomer runs it: its own process, SQLite under the data directory, Ctrl-C to stop.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task The_silo_process_answers_healthz_within_30s_creates_its_database_and_stops_cleanly_on_ctrl_c()
    {
        var dll = SiloBinary();
        var data = Path.Combine(Path.GetTempPath(), "command-run-tests", Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var output = new StringBuilder();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Storage__DataDirectory"] = data,
            },
        };
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var watch = Stopwatch.StartNew();
            var healthy = false;
            while (!healthy && watch.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                try
                {
                    healthy = (await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.True(healthy, $"/healthz did not answer 200 within 30 s. Output:\n{output}");
            Assert.True(File.Exists(Path.Combine(data, "command.db")));

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
            process.WaitForExit();

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Silo stopped gracefully", output.ToString(), StringComparison.Ordinal);
            var log = Directory.GetFiles(Path.Combine(data, "logs"), "command-*.json").Single();
            var events = (await File.ReadAllLinesAsync(log)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Contains(events, e =>
                e.GetProperty("MessageTemplate").GetString() == "Silo started on {Storage}"
                && e.GetProperty("Properties").GetProperty("Storage").GetString() == $"SQLite {Path.Combine(data, "command.db")}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string SiloBinary()
    {
        var here = AppContext.BaseDirectory;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Command.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(root.FullName, "src", "Command.Silo", "bin", configuration, "net10.0", "Command.Silo.dll");
        Assert.True(File.Exists(dll), $"build the solution first: {dll} is missing");
        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
