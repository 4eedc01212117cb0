using System.Net;
using Microsoft.Extensions.Options;

namespace Command.Data.Hosting;

/// <summary>The <c>Silo</c> section: how this process joins the cluster and how Orleans treats idle grains, slow calls and reminders.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Silo";

    /// <summary>Silos with the same cluster id over one database form one cluster.</summary>
    public string ClusterId { get; set; } = "command";

    /// <summary>Names the deployment in the database; grain state and reminders are kept per service id.</summary>
    public string ServiceId { get; set; } = "command";

    /// <summary>The address other silos reach this one at (PostgreSQL clustering); SQLite runs on loopback.</summary>
    public string AdvertisedAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>Orleans' usual silo port: a PostgreSQL silo's default, so that it restarts on its own endpoint.</summary>
    public const int DefaultClusterPort = 11111;

    /// <summary>
    /// The port for silo-to-silo traffic; 0 means <see cref="DefaultClusterPort"/> on PostgreSQL and a free port on SQLite
    /// (one silo, which nobody else needs to reach). Several silos on one machine need one each.
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>The port for external Orleans clients; 0 opens none (the web host runs inside the silo).</summary>
    public int GatewayPort { get; set; }

    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReminderMinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a silo waits for another's answer to a liveness probe. A silo that misses <see cref="MissedProbesLimit"/>
    /// probes in a row is declared dead, so a silo killed outright is noticed after about ProbeTimeout × MissedProbesLimit;
    /// then its grains activate elsewhere on their next call and its reminders move to the others.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MissedProbesLimit { get; set; } = 3;
}

internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        Positive(options.CollectionAge, nameof(options.CollectionAge));
        Positive(options.ResponseTimeout, nameof(options.ResponseTimeout));
        Positive(options.ReminderMinimumPeriod, nameof(options.ReminderMinimumPeriod));
        Positive(options.ProbeTimeout, nameof(options.ProbeTimeout));
        if (options.MissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"Silo:MissedProbesLimit must be between 1 and 10 (was {options.MissedProbesLimit}).");
        }
        if (options.SiloPort is < 0 or > 65535 || options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"Silo:SiloPort and Silo:GatewayPort must be between 0 and 65535 (were {options.SiloPort} and {options.GatewayPort}).");
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"Silo:AdvertisedAddress must be an IP address (was '{options.AdvertisedAddress}').");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Silo:ClusterId and Silo:ServiceId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string property)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Silo:{property} must be a positive time span (was {value}).");
            }
        }
    }
}
