namespace Command.Grains.Workers;

public enum WorkerStatus
{
    /// <summary>离线: no position for the offline limit.</summary>
    Offline,

    /// <summary>在岗: reporting, not moving.</summary>
    OnDuty,

    /// <summary>巡查中: reporting and moving.</summary>
    Patrolling,

    /// <summary>处置中: handling a task.</summary>
    Handling,
}

public static class WorkerStatusNames
{
    public static string ToChinese(this WorkerStatus status) => status switch
    {
        WorkerStatus.OnDuty => "在岗",
        WorkerStatus.Patrolling => "巡查中",
        WorkerStatus.Handling => "处置中",
        _ => "离线",
    };
}
