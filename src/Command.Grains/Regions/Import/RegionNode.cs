using NetTopologySuite.Geometries;

namespace Command.Grains.Regions.Import;

/// <summary>A region of the tree being imported; its boundary is filled in by <see cref="BoundaryResolver"/>.</summary>
internal sealed class RegionNode(string code, string name, RegionLevel level, string? parentCode)
{
    public string Code { get; } = code;

    public string Name { get; } = name;

    public RegionLevel Level { get; } = level;

    public string? ParentCode { get; } = parentCode;

    /// <summary>The children in code order.</summary>
    public List<RegionNode> Children { get; } = [];

    public Geometry? Boundary { get; set; }

    public bool Synthetic { get; set; }

    /// <summary>This node and all its descendants, depth first.</summary>
    public IEnumerable<RegionNode> SelfAndDescendants()
    {
        var stack = new Stack<RegionNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            for (var i = node.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(node.Children[i]);
            }
        }
    }

    public override string ToString() => $"{Level.ToString().ToLowerInvariant()} {Code} {Name}";
}
