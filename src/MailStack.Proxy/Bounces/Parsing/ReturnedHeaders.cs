using System.Text;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// The header of the message a report returns, wherever the report put it: a <c>message/rfc822</c>
/// part, a <c>text/rfc822-headers</c> part (or a variant MimeKit leaves as raw content), or — in
/// qmail-style bounces — pasted as text below the explanation.
/// </summary>
internal static class ReturnedHeaders
{
    /// <summary>Header text read at most: a returned header is a few KB, a returned body may be megabytes.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    public static HeaderList? Of(MimeEntity? returned) => returned switch
    {
        MessagePart { Message: { } message } => message.Headers,
        MimePart { Content: { } content } => Load(content),
        _ => null,
    };

    /// <summary>A header pasted as text (what follows the "copy of the message" line of a non-standard bounce).</summary>
    public static HeaderList? Of(string? pasted)
    {
        if (string.IsNullOrWhiteSpace(pasted))
        {
            return null;
        }

        var text = pasted.TrimStart('\r', '\n', ' ', '\t');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.Length > MaxHeaderBytes ? text[..MaxHeaderBytes] : text));
        return Load(stream);
    }

    private static HeaderList? Load(IMimeContent content)
    {
        // Decoded as it is read: the parser stops at the end of the header, so a large returned body is never read.
        // (Over a bound stream left open: disposing the filter must not dispose the part's content.)
        if (content.Stream is not { } stream)
        {
            return null;
        }

        using var raw = new BoundStream(stream, 0, -1, leaveOpen: true);
        using var decoded = new FilteredStream(raw);
        decoded.Add(DecoderFilter.Create(content.Encoding));
        return Load(decoded);
    }

    private static HeaderList? Load(Stream stream)
    {
        try
        {
            var headers = HeaderList.Load(ParserOptions.Default, stream);
            return headers.Count > 0 ? headers : null;
        }
        catch (FormatException)
        {
            return null; // not a header at all
        }
    }
}
