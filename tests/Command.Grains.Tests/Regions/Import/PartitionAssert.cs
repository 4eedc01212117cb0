using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace Command.Grains.Tests.Regions.Import;

/// <summary>Checks that pieces tile a parent: each inside it, together covering it, none overlapping another.</summary>
internal static class PartitionAssert
{
    private const double Tolerance = 0.001;

    public static void Tiles(Geometry parent, IReadOnlyCollection<Geometry> pieces, string what)
    {
        foreach (var piece in pieces)
        {
            IsBoundary(piece, what);
            var outside = piece.Difference(parent).Area;
            Assert.True(outside < Tolerance * piece.Area, $"{what}: a piece sticks out of its parent by {outside / piece.Area:P3}");
        }

        var union = UnaryUnionOp.Union(pieces.ToList());
        var uncovered = parent.Difference(union).Area;
        Assert.True(uncovered < Tolerance * parent.Area, $"{what}: {uncovered / parent.Area:P3} of the parent is not covered");
        Assert.True(
            Math.Abs(union.Area - parent.Area) < Tolerance * parent.Area,
            $"{what}: union area {union.Area} differs from parent area {parent.Area}");
        var sum = pieces.Sum(p => p.Area);
        Assert.True(Math.Abs(sum - union.Area) < Tolerance * union.Area, $"{what}: pieces overlap ({sum} summed vs {union.Area} united)");
    }

    public static void IsBoundary(Geometry geometry, string what)
    {
        Assert.True(geometry is Polygon or MultiPolygon, $"{what}: {geometry.GeometryType} is not polygonal");
        Assert.False(geometry.IsEmpty, $"{what}: empty boundary");
        Assert.True(geometry.IsValid, $"{what}: invalid boundary");
    }
}
