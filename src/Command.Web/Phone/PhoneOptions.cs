using System.ComponentModel.DataAnnotations;

namespace Command.Web.Phone;

/// <summary>The grid worker's phone (section "Phone").</summary>
public sealed class PhoneOptions
{
    public const string Section = "Phone";

    /// <summary>How long a phone stays signed in after its last use: a worker signs in once, not every shift.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00", ErrorMessage = "Phone:SessionLifetime must be between 5 minutes and 365 days.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);
}
