namespace Command.Grains.Attachments;

/// <summary>What an attachment may be: JPEG, PNG, WebP or PDF, told by the first bytes of its content, never by its name.</summary>
public static class AttachmentContent
{
    /// <summary>The largest attachment accepted (10 MB).</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>The bytes <see cref="Sniff"/> needs to decide.</summary>
    public const int HeaderBytes = 12;

    public const string Accepted = "JPEG、PNG、WebP 图片或 PDF 文件";

    /// <summary>The content type the bytes are, or null when they are none of the accepted kinds.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return head.StartsWith("%PDF-"u8) ? "application/pdf" : null;
    }

    /// <summary>A file name safe to store and to send back: no path, no control characters, at most 100 characters.</summary>
    public static string CleanName(string? name, string contentType)
    {
        var bare = Path.GetFileName((name ?? string.Empty).Replace('\\', '/'));
        var clean = new string([.. bare.Where(c => !char.IsControl(c) && c is not ('"' or '/'))]).Trim();
        if (clean.Length > 100)
        {
            clean = clean[^100..];
        }

        return clean.Length > 0 ? clean : "附件" + contentType switch
        {
            "image/jpeg" => ".jpg",
            "image/png" => ".png",
            "image/webp" => ".webp",
            _ => ".pdf",
        };
    }
}
