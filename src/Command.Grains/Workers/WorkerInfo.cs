namespace Command.Grains.Workers;

/// <summary>A grid worker's profile as imported. <see cref="DeviceId"/> is the secret their tracker sends.</summary>
public sealed record WorkerInfo(long Id, string GridCode, int Sequence, string Name, string Phone, bool FullTime, string DeviceId)
{
    /// <summary>专职网格员 or 兼职网格员, as users read it.</summary>
    public string KindName => FullTime ? "专职网格员" : "兼职网格员";
}
