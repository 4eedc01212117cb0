using System.Globalization;
using Command.Runtime.Core;

namespace Command.Runtime;

/// <summary>Identity helpers for grains and grain references, with Orleans' names.</summary>
public static class GrainExtensions
{
    public static GrainId GetGrainId(this IAddressable grain) => grain switch
    {
        Grain g => g.GrainId,
        GrainProxy p => p.Reference.Id,
        _ => throw new ArgumentException($"{grain.GetType().Name} is neither a grain nor a grain reference.", nameof(grain)),
    };

    public static string GetPrimaryKeyString(this IAddressable grain) => grain.GetGrainId().Key;

    public static long GetPrimaryKeyLong(this IAddressable grain) => long.Parse(grain.GetGrainId().Key, CultureInfo.InvariantCulture);

    public static Guid GetPrimaryKey(this IAddressable grain) => Guid.ParseExact(grain.GetGrainId().Key, "N");

    /// <summary>A reference to the same grain through another of its interfaces.</summary>
    public static TGrainInterface AsReference<TGrainInterface>(this IAddressable grain)
        where TGrainInterface : IAddressable
    {
        var runtime = grain switch
        {
            Grain g => g.Activation.Runtime,
            GrainProxy p => p.Reference.Runtime,
            _ => throw new ArgumentException($"{grain.GetType().Name} is neither a grain nor a grain reference.", nameof(grain)),
        };
        return (TGrainInterface)runtime.GetReference(typeof(TGrainInterface), grain.GetGrainId());
    }
}
