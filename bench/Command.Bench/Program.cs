using Command.Bench;

// Benchmarks print figures measured in one run; they assert nothing.
return args.FirstOrDefault() switch
{
    "calls" => await CallsBenchmark.RunAsync(args),
    "storage" => await StorageBenchmark.RunAsync(args),
    "positions" => await PositionsBenchmark.RunAsync(args),
    "cases" => await CasesBenchmark.RunAsync(args),
    "push" => await PushBenchmark.RunAsync(args),
    "cluster" => await ClusterBenchmark.RunAsync(args),
    "janus" => await JanusBenchmark.RunAsync(args),
    "orders" => await OrdersBenchmark.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Command.Bench -- calls|storage|positions|cases|push|cluster|janus|orders [seconds] (cases: [seconds] [sqlite|postgres]; push: [seconds] [cases] [--profile]; orders: [orders] [Release|Debug])");
    return 2;
}
