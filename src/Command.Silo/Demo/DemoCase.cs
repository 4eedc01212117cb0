namespace Command.Silo.Demo;

/// <summary>How the unit holding a case now will behave (drawn afresh for each assignment).</summary>
internal enum DemoFate
{
    /// <summary>Signs within the limit, works, resolves in time.</summary>
    Normal,

    /// <summary>Signs only after the unsigned warning, sometimes after the automatic yellow card.</summary>
    LateSign,

    /// <summary>Never signs: after the red card the dispatching center sends the case to another unit.</summary>
    Ignore,

    /// <summary>Sends it back: not its business (回退).</summary>
    Return,

    /// <summary>Cannot solve it and reports it one level up (上报).</summary>
    Escalate,

    /// <summary>Runs past its handling limit (the clock escalates it, or cards it).</summary>
    Overrun,

    /// <summary>Asks the dispatching center for more time (延期), then resolves.</summary>
    Extend,
}

/// <summary>A case the simulator looks after: when to look at it next and the plan for its current assignment.</summary>
internal sealed class DemoCase(string code)
{
    public string Code => code;

    public DateTimeOffset NextAt { get; set; }

    /// <summary>The assignment (or holder) the plan was drawn for; a new one gets a new plan.</summary>
    public string? PlanKey { get; set; }

    public DemoFate Fate { get; set; }

    /// <summary>Where in its window each step falls (0–1), drawn once per plan so a second look keeps the same time.</summary>
    public double Early { get; set; }

    public double Late { get; set; }

    public int Notes { get; set; }

    public int NotesDone { get; set; }

    /// <summary>A township center that passes the case on to a village, a grid worker or its 司法所 (转派).</summary>
    public bool HandOn { get; set; }

    public bool Consult { get; set; }

    public bool ConsultDone { get; set; }

    public bool ExtendDone { get; set; }

    /// <summary>Refusals in a row (the case moved on under us); the simulator lets go of the case after a few.</summary>
    public int Refusals { get; set; }
}
