namespace Command.Grains.Regions.Import;

/// <summary>
/// SplitMix64, a tiny pseudo-random generator whose sequence depends only on its seed: the same on every machine,
/// process and .NET version, unlike <see cref="Random"/> without a seed or <see cref="HashCode"/>.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A number uniformly distributed in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number uniformly distributed in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);

    /// <summary>The SplitMix64 finalizer: scrambles all bits of <paramref name="z"/> into every bit of the result.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, 1) drawn from <paramref name="seed"/> alone.</summary>
    public static double Fraction(ulong seed) => (Mix(seed) >> 11) * (1.0 / (1UL << 53));
}
