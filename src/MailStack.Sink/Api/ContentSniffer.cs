using System.Text;

namespace MailStack.Sink.Api;

/// <summary>A content type from the first bytes, for attachments sent without one (Go's DetectContentType, for the common kinds).</summary>
internal static class ContentSniffer
{
    private static readonly (byte[] Magic, string Type)[] Signatures =
    [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ("GIF87a"u8.ToArray(), "image/gif"),
        ("GIF89a"u8.ToArray(), "image/gif"),
        ("%PDF-"u8.ToArray(), "application/pdf"),
        ([0x50, 0x4B, 0x03, 0x04], "application/zip"),
        ("BM"u8.ToArray(), "image/bmp"),
    ];

    public static string Detect(byte[] content)
    {
        foreach (var (magic, type) in Signatures)
        {
            if (content.AsSpan().StartsWith(magic))
            {
                return type;
            }
        }

        return IsText(content) ? "text/plain; charset=utf-8" : "application/octet-stream";
    }

    private static bool IsText(byte[] content)
    {
        var head = content.AsSpan(0, Math.Min(content.Length, 512));
        if (head.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || head.IndexOfAnyInRange((byte)14, (byte)26) >= 0)
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(head);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
