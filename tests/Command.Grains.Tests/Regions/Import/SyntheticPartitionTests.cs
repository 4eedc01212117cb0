using Command.Grains.Regions.Import;
using NetTopologySuite.Geometries;

namespace Command.Grains.Tests.Regions.Import;

public sealed class SyntheticPartitionTests
{
    private static readonly GeometryFactory Factory = GeoJsonReader.Factory;

    private static Polygon Square() => (Polygon)Factory.ToGeometry(new Envelope(111.0, 112.0, 40.0, 41.0));

    [Fact]
    public void Nine_pieces_of_a_square_come_north_to_south_in_rows_of_three_west_to_east()
    {
        var pieces = SyntheticPartition.Split(Square(), 9, 42);

        Assert.Equal(9, pieces.Count);
        var centers = pieces.Select(p => p.Centroid.Coordinate).ToArray();
        for (var row = 0; row < 3; row++)
        {
            var thisRow = centers.Skip(row * 3).Take(3).ToArray();
            Assert.True(thisRow[0].X < thisRow[1].X && thisRow[1].X < thisRow[2].X, $"row {row} is not west to east");
            if (row < 2)
            {
                var below = centers.Skip((row + 1) * 3).Take(3);
                Assert.True(thisRow.Min(c => c.Y) > below.Max(c => c.Y), $"row {row} is not north of row {row + 1}");
            }
        }
    }

    [Fact]
    public void Pieces_of_a_square_tile_it_and_have_similar_areas()
    {
        var square = Square();
        var pieces = SyntheticPartition.Split(square, 12, 7);

        PartitionAssert.Tiles(square, pieces.ToList(), "square");
        var mean = square.Area / 12;
        Assert.All(pieces, p => Assert.InRange(p.Area, mean * 0.5, mean * 1.5));
    }

    [Fact]
    public void Pieces_of_a_concave_parent_tile_it()
    {
        // A U shape: two arms joined by a bar along the bottom.
        var u = Factory.CreatePolygon(
        [
            new(0, 0), new(3, 0), new(3, 3), new(2, 3), new(2, 1), new(1, 1), new(1, 3), new(0, 3), new(0, 0),
        ]);

        var pieces = SyntheticPartition.Split(u, 7, 3);

        Assert.Equal(7, pieces.Count);
        PartitionAssert.Tiles(u, pieces.ToList(), "U shape");
    }

    [Fact]
    public void Same_seed_gives_identical_pieces_and_another_seed_different_ones()
    {
        var first = SyntheticPartition.Split(Square(), 5, 99).Select(GeoJsonWriter.ToJson).ToArray();
        var again = SyntheticPartition.Split(Square(), 5, 99).Select(GeoJsonWriter.ToJson).ToArray();
        var other = SyntheticPartition.Split(Square(), 5, 100).Select(GeoJsonWriter.ToJson).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void One_piece_is_the_parent_itself()
    {
        var square = Square();

        Assert.Same(square, Assert.Single(SyntheticPartition.Split(square, 1, 5)));
    }

    [Fact]
    public void Seed_is_fnv1a_of_the_utf8_code()
    {
        // FNV-1a 64 of the empty string is its offset basis; of "a" it is a published test vector.
        Assert.Equal(0xcbf29ce484222325UL, SyntheticPartition.Seed(string.Empty));
        Assert.Equal(0xaf63dc4c8601ec8cUL, SyntheticPartition.Seed("a"));
        Assert.NotEqual(SyntheticPartition.Seed("150123100"), SyntheticPartition.Seed("150123101"));
    }
}
