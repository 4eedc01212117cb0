namespace Command.Grains.Units;

public enum UnitKind
{
    /// <summary>综治中心 of a county or township.</summary>
    Center,

    /// <summary>A village or community (村/社区).</summary>
    Village,

    /// <summary>A functional department (派出所, 司法所, 法庭, 人社, 信访, …).</summary>
    Department,
}

/// <summary>A unit that handles work, and the regions it serves.</summary>
public sealed record UnitInfo(string Id, string Name, UnitKind Kind, string RegionCode, IReadOnlyList<string> Serves);
