namespace Command.Grains.Regions.Import;

/// <summary>A synthetic grid worker: sequence 1 is the grid's full-time 专职网格员, sequence 2 a part-time helper.</summary>
/// <param name="GridCode">The 15-digit code of the grid the worker serves.</param>
/// <param name="Sequence">1 for the full-time worker, 2 for the helper.</param>
/// <param name="Name">An invented but plausible Chinese name.</param>
/// <param name="Phone">An invented 11-digit mobile number (13x, 15x or 18x).</param>
/// <param name="FullTime">Whether the worker is the grid's full-time worker.</param>
public sealed record ImportedWorker(string GridCode, int Sequence, string Name, string Phone, bool FullTime);
