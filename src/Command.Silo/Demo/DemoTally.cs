using Command.Grains.Cases;

namespace Command.Silo.Demo;

/// <summary>What the simulator did since the last summary line (touched by the case loop only).</summary>
internal sealed class DemoTally
{
    public int Opened { get; set; }

    public int Signed { get; private set; }

    public int Resolved { get; private set; }

    public int Escalated { get; private set; }

    public int Archived { get; private set; }

    public int Refused { get; set; }

    public void Count(CaseAction action)
    {
        switch (action)
        {
            case CaseAction.Sign:
                Signed++;
                break;
            case CaseAction.Resolve:
                Resolved++;
                break;
            case CaseAction.Escalate:
                Escalated++;
                break;
            case CaseAction.Archive:
                Archived++;
                break;
        }
    }

    public void Reset() => Opened = Signed = Resolved = Escalated = Archived = Refused = 0;
}
