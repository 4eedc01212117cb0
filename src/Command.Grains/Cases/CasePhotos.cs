namespace Command.Grains.Cases;

/// <summary>
/// What a photo on a case may be: a path on this server (an attachment, <c>/api/attachments/…</c>) or a web address of an
/// outside system. Never another scheme: a <c>javascript:</c> "photo" would run in the browser of whoever opens it.
/// </summary>
public static class CasePhotos
{
    public const int MaxLength = 500;

    public static bool IsAddress(string? photo) =>
        !string.IsNullOrWhiteSpace(photo) && photo.Length <= MaxLength
        && ((photo.StartsWith('/') && !photo.StartsWith("//", StringComparison.Ordinal) && !photo.Contains('\\', StringComparison.Ordinal))
            || (Uri.TryCreate(photo, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)));
}
