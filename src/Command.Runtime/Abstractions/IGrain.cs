namespace Command.Runtime;

/// <summary>Anything that has a grain identity: a grain or a reference to one.</summary>
public interface IAddressable;

/// <summary>Marker for grain interfaces. Use one of the keyed variants.</summary>
public interface IGrain : IAddressable;

/// <summary>A grain whose key is a string (a region code, a case code).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain whose key is a 64-bit integer.</summary>
public interface IGrainWithIntegerKey : IGrain;

/// <summary>A grain whose key is a Guid.</summary>
public interface IGrainWithGuidKey : IGrain;
