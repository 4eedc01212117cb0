using System.Reflection;

namespace Command.Grains;

/// <summary>The assembly the silo scans for grain classes and domain migrations.</summary>
public static class GrainsAssembly
{
    /// <summary>The component name of the domain's migration scripts (migrations/command/{provider}/NNNN_name.sql).</summary>
    public const string MigrationComponent = "command";

    public static Assembly Assembly => typeof(GrainsAssembly).Assembly;
}
