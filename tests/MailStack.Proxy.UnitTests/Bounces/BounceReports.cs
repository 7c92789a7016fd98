using System.Text;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailStack.Proxy.UnitTests.Bounces;

/// <summary>Reads reports as the bounce receiver gets them: written out and loaded back from the bytes an IMAP server returns.</summary>
internal static class BounceReports
{
    public static readonly BouncedMessageKey Key = new("tenant1", "msg-1");

    public static BounceParser Parser(string trackingHeader = "X-MailStack-ID") =>
        new(Options.Create(new DispatchOptions { TrackingHeader = trackingHeader }), NullLogger<BounceParser>.Instance);

    public static BounceParseResult Read(MimeMessage report, string trackingHeader = "X-MailStack-ID") =>
        Parser(trackingHeader).Parse(Reload(report));

    /// <summary>Parses raw text (CRLF line ends added) as the receiver would.</summary>
    public static BounceParseResult ReadRaw(string raw) =>
        Parser().Parse(Load(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

    public static MimeMessage Reload(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        message.WriteTo(FormatOptions.Default, bytes);
        return Load(bytes.ToArray());
    }

    private static MimeMessage Load(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return MimeMessage.Load(stream);
    }
}
