using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Command.Bench;

/// <summary>
/// The built Command.Silo run as its own process, as a newcomer runs it: over loopback, with a data directory
/// of its own. Shared by the benchmarks and the process tests (linked into the test project).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>
    /// Every process started here and not yet ended. When this process exits (a test run that ends with a fixture never
    /// disposed, a cancelled or timed-out run, SIGTERM) they are killed with it, so no silo outlives the run that started it.
    /// </summary>
    private static readonly ConcurrentDictionary<Process, byte> Started = new();

    private readonly StringBuilder output = new();
    private readonly Dictionary<string, string> environment;
    private Process? process;

    private SiloProcess(string dll, string dataDirectory, int port, Dictionary<string, string> environment)
    {
        Dll = dll;
        DataDirectory = dataDirectory;
        Port = port;
        this.environment = environment;
    }

    public string Dll { get; }

    public string DataDirectory { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The first <paramref name="count"/> errors a silo logged, each with the line after it (the exception).</summary>
    public static IEnumerable<string> FirstErrors(string output, int count)
    {
        var lines = output.Split('\n');
        return lines.Select((line, i) => (line, i)).Where(l => l.line.Contains(" ERR] ", StringComparison.Ordinal)).Take(count)
            .SelectMany(l => lines.Skip(l.i).Take(2));
    }

    public Process Process => process ?? throw new InvalidOperationException("not started");

    static SiloProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => EndAll();

    /// <summary>
    /// Starts the silo (Development environment unless given) and waits until /healthz answers 200. Its data directory
    /// is a fresh one under the temporary directory unless given (one that <c>import</c> filled, say); either way it is
    /// deleted on dispose.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        IDictionary<string, string>? settings = null, string configuration = "Release", TimeSpan? timeout = null, string? dataDirectory = null)
    {
        var data = dataDirectory ?? NewDataDirectory();
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Storage__DataDirectory"] = data,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var silo = new SiloProcess(FindBinary(configuration), data, port, environment);
        try
        {
            await silo.RunAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            // A silo that never answered is still a process: nobody else holds it to end it.
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>Starts the process again on the same data directory and port.</summary>
    public Task RestartAsync(TimeSpan? timeout = null) => RunAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>SIGKILL: no shutdown code runs, as when the machine loses power.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    /// <summary>Ctrl-C: the graceful shutdown. Returns the exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        using (var interrupt = Process.Start("kill", ["-INT", Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        using var exit = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(exit.Token);
        Process.WaitForExit();
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await EndAsync(process);
            process = null;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync(TimeSpan timeout)
    {
        if (process is not null)
        {
            await EndAsync(process);
        }

        var start = new ProcessStartInfo("dotnet", [Dll])
        {
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = Launch(start);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the probe's 5 s: ask again until the patience is spent.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"/healthz did not answer 200 within {timeout.TotalSeconds:0} s. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>
    /// Runs the silo's <c>import</c> verb (a dataset such as <c>tieling</c>, or its options) into a data directory and
    /// answers its output; throws with the output when it fails or takes longer than the timeout.
    /// </summary>
    public static async Task<string> ImportAsync(string dataDirectory, string configuration, TimeSpan timeout, params string[] import)
    {
        var start = new ProcessStartInfo("dotnet", [FindBinary(configuration), "import", .. import, $"--Storage:DataDirectory={dataDirectory}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Launch(start);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"import {string.Join(' ', import)} took longer than {timeout.TotalMinutes:0} min");
            }

            var text = await output + await errors;
            return process.ExitCode == 0 ? text : throw new InvalidOperationException($"import {string.Join(' ', import)} exited with {process.ExitCode}:\n{text}");
        }
        finally
        {
            await EndAsync(process);
        }
    }

    private static Process Launch(ProcessStartInfo start)
    {
        var started = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        Started[started] = 0;
        return started;
    }

    /// <summary>Kills the process and its children if they still run, waits for them, and forgets the process.</summary>
    private static async Task EndAsync(Process started)
    {
        if (!started.HasExited)
        {
            started.Kill(entireProcessTree: true);
            await started.WaitForExitAsync();
        }

        Started.TryRemove(started, out _);
        started.Dispose();
    }

    private static void EndAll()
    {
        foreach (var started in Started.Keys)
        {
            try
            {
                if (!started.HasExited)
                {
                    started.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Ended or disposed meanwhile.
            }
        }
    }

    /// <summary>A data directory of its own under the temporary directory (not created).</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "command-silo-process", Guid.NewGuid().ToString("N"));

    /// <summary>src/Command.Silo/bin/{configuration}/net10.0/Command.Silo.dll of this checkout.</summary>
    public static string FindBinary(string configuration)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Command.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Run from inside the checkout: Command.sln was not found above " + AppContext.BaseDirectory);
        }

        var dll = Path.Combine(root.FullName, "src", "Command.Silo", "bin", configuration, "net10.0", "Command.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first ({configuration}): {dll} is missing.");
    }

    /// <summary>
    /// The settings of one silo of a cluster on this machine, over a PostgreSQL database all its silos share: the same
    /// cluster id, and a silo port and gateway port of its own (not Orleans' default 11111, which another cluster on
    /// this machine may hold). Each of the silo's three connection pools is capped, so that several silos and the tests
    /// beside them fit a default PostgreSQL's 100 connections.
    /// </summary>
    public static Dictionary<string, string> ClusterNode(string connectionString, string clusterId = "command", int poolSize = 12) => new()
    {
        ["Storage__Provider"] = "Postgres",
        ["Storage__ConnectionString"] = $"{connectionString};Maximum Pool Size={poolSize.ToString(CultureInfo.InvariantCulture)}",
        ["Silo__ClusterId"] = clusterId,
        ["Silo__AdvertisedAddress"] = "127.0.0.1",
        ["Silo__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        ["Silo__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A TCP port free on loopback now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
