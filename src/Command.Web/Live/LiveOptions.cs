using System.ComponentModel.DataAnnotations;

namespace Command.Web.Live;

/// <summary>The live hubs: the big screens' and the inboxes' (section "Live").</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often every open live connection's session is asked again of its account (a lock elsewhere in the cluster ends it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Live:SessionRecheck must be between 1 second and 10 minutes.")]
    public TimeSpan SessionRecheck { get; set; } = TimeSpan.FromSeconds(15);
}
