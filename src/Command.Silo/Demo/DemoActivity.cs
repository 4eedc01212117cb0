using Command.Data;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Command.Silo.Demo;

/// <summary>
/// Makes the demo county live (Demo:Simulate, in demo mode only): grid workers patrol, cases arrive from every channel,
/// and units handle them through the same services people go through (the case intake, the case grains, the position
/// log), each step as the person whose turn it is. Cases it opens are tracked in memory; after a restart it picks up the
/// county's open cases. Refusals (the case moved on) are expected and logged at Debug; nothing here stops the host.
/// </summary>
internal sealed partial class DemoActivity(
    RegionDirectory directory,
    DispatchRules rules,
    CaseIntakeService intake,
    CaseQueries queries,
    IGrainFactory grains,
    PositionLog positions,
    IOptions<DemoOptions> demo,
    IOptions<CaseOptions> limits,
    IOptions<PositionOptions> presence,
    Database database,
    TimeProvider time,
    ILogger<DemoActivity> log) : IHostedService, IDisposable
{
    internal const string SimulationLock = "demo-simulation";
    private static readonly TimeSpan SummaryEvery = TimeSpan.FromMinutes(1);
    private static readonly CaseStatus[] Open = [CaseStatus.Accepted, CaseStatus.Dispatched, CaseStatus.InProgress, CaseStatus.Resolved, CaseStatus.Closed, CaseStatus.Rejected];

    private readonly CancellationTokenSource stopping = new();
    private readonly Random random = new();
    private Task running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (demo.Value is { Enabled: true, Simulate: true })
        {
            running = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => stopping.Dispose();

    /// <summary>
    /// One silo of a cluster simulates, whichever holds the database lock; the others wait for it, and one of them takes
    /// over when that silo dies (its connection, and the lock with it, goes). Its cases are picked up as after a restart.
    /// </summary>
    private async Task RunAsync(CancellationToken token)
    {
        try
        {
            await database.ExclusiveAsync(SimulationLock, SimulateAsync, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task SimulateAsync(CancellationToken token)
    {
        try
        {
            while (!directory.IsLoaded || !rules.IsLoaded)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, token);
            }

            var o = demo.Value;
            if (directory.FindRegion(o.County) is null)
            {
                LogNoCounty(log, o.County);
                return;
            }

            var people = DemoPeople.Load(directory, o.County);
            var tally = new DemoTally();
            var patrol = new DemoPatrol(directory, positions, o.County, o.PatrolShare, o.PatrolEvery,
                presence.Value.OfflineAfter + limits.Value.WorkerOfflineWarning, new Random(random.Next()));
            var arrivals = new DemoArrivals(directory, people, o.County, new Random(random.Next()));
            var handling = new DemoHandling(grains, directory, people, limits.Value, tally, new Random(random.Next()), time, log);
            var resumed = await ResumeAsync(handling, o.County, token);
            LogStarted(log, o.County, o.CaseEvery.TotalSeconds, patrol.Walkers, o.PatrolEvery.TotalSeconds, resumed);
            if (resumed == 0)
            {
                // A fresh county: the first screen should not sit empty for minutes, so a morning's backlog arrives at once.
                for (var i = 0; i < o.OpeningCases; i++)
                {
                    await OpenAsync(arrivals, handling, tally, time.GetUtcNow());
                }
            }

            await Task.WhenAll(PatrolAsync(patrol, o.PatrolEvery, token), CasesAsync(arrivals, handling, patrol, tally, o.CaseEvery, token));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(log, e);
        }
    }

    private async Task PatrolAsync(DemoPatrol patrol, TimeSpan every, CancellationToken token)
    {
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                await patrol.StepAsync(time.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStepFailed(log, e, "patrol");
            }
        }
        while (await timer.WaitForNextTickAsync(token));
    }

    /// <summary>One loop for arrivals, the units' steps and the summary, so the case bookkeeping needs no locks.</summary>
    private async Task CasesAsync(DemoArrivals arrivals, DemoHandling handling, DemoPatrol patrol, DemoTally tally, TimeSpan every, CancellationToken token)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(every.TotalMilliseconds / 2, 50, 500));
        using var timer = new PeriodicTimer(tick, time);
        var nextArrival = time.GetUtcNow() + (every * random.NextDouble());
        var nextSummary = time.GetUtcNow() + SummaryEvery;
        while (await timer.WaitForNextTickAsync(token))
        {
            try
            {
                var now = time.GetUtcNow();
                if (nextArrival < now - (every * 3))
                {
                    // The loop was held up (a slow disk, a debugger): no burst of make-up cases.
                    nextArrival = now;
                }

                for (; nextArrival <= now; nextArrival += every * (0.3 + (1.4 * random.NextDouble())))
                {
                    await OpenAsync(arrivals, handling, tally, now);
                    if (random.NextDouble() < 0.1)
                    {
                        await handling.SuperviseOneAsync();
                    }
                }

                await handling.ActOnDueAsync(token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStepFailed(log, e, "cases");
            }

            if (time.GetUtcNow() >= nextSummary)
            {
                LogSummary(log, tally.Opened, tally.Signed, tally.Resolved, tally.Escalated, tally.Archived, tally.Refused, handling.Count, patrol.Patrolling);
                tally.Reset();
                nextSummary += SummaryEvery;
            }
        }
    }

    private async Task OpenAsync(DemoArrivals arrivals, DemoHandling handling, DemoTally tally, DateTimeOffset now)
    {
        var (report, actor) = arrivals.Next(now);
        try
        {
            var view = await intake.SubmitAsync(report, actor);
            tally.Opened++;
            handling.Track(view.Code, now);
        }
        catch (CaseRefusedException e)
        {
            LogNotOpened(log, report.Title, actor.UserName, e.Message);
        }
    }

    /// <summary>After a restart: the county's unfinished cases, looked at again over the next few beats.</summary>
    private async Task<int> ResumeAsync(DemoHandling handling, string county, CancellationToken token)
    {
        var now = time.GetUtcNow();
        foreach (var status in Open)
        {
            var page = await queries.ListAsync(county, status, null, 1, 200, token);
            foreach (var item in page.Items)
            {
                handling.Track(item.Code, now + (limits.Value.SignYellow * random.NextDouble()));
            }
        }

        return handling.Count;
    }

    [LoggerMessage(EventId = 701, Level = LogLevel.Information,
        Message = "Demo activity in {County}: a case every {CaseSeconds:0.#} s, {Walkers} grid workers patrolling every {PatrolSeconds:0.#} s, {Resumed} open cases picked up")]
    private static partial void LogStarted(ILogger logger, string county, double caseSeconds, int walkers, double patrolSeconds, int resumed);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information,
        Message = "Demo activity, last minute: {Opened} cases opened, {Signed} signed, {Resolved} resolved, {Escalated} escalated, {Archived} archived, {Refused} steps refused; {Tracked} cases in hand, {Patrolling} workers patrolling")]
    private static partial void LogSummary(ILogger logger, int opened, int signed, int resolved, int escalated, int archived, int refused, int tracked, int patrolling);

    [LoggerMessage(EventId = 705, Level = LogLevel.Debug, Message = "Demo: case \"{Title}\" by {User} was not opened: {Reason}")]
    private static partial void LogNotOpened(ILogger logger, string title, string user, string reason);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "Demo activity: a {Loop} step failed; carrying on")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string loop);

    [LoggerMessage(EventId = 707, Level = LogLevel.Warning, Message = "Demo activity: the demo county {County} is not in the region directory; nothing to simulate")]
    private static partial void LogNoCounty(ILogger logger, string county);

    [LoggerMessage(EventId = 708, Level = LogLevel.Error, Message = "Demo activity stopped after an unexpected error")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
