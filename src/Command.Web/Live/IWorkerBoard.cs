namespace Command.Web.Live;

/// <summary>
/// Where the screens last saw each worker and in what status (the board every silo keeps from the cluster's live feed):
/// a form that suggests workers reads it instead of asking every worker's grain.
/// </summary>
public interface IWorkerBoard
{
    /// <summary>The latest mark of each worker inside a region, by id; a worker not on the board has not reported since start.</summary>
    IReadOnlyDictionary<long, WorkerItem> WorkersInside(string scope);
}
