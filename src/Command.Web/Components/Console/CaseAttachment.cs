namespace Command.Web.Components.Console;

/// <summary>An attachment of a case as the case API lists it (the attachments contract).</summary>
public sealed record CaseAttachment(string Name, string Url, string? ContentType, long Size);
