using MimeKit;
using static MailStack.Sink.Tests.Bounces.BounceReports;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>A foreign client: Python's smtplib sends with DSN parameters and gets the report they ask for.</summary>
public sealed class PythonDsnTests
{
    [Fact]
    public async Task Smtplib_dsn_parameters_reach_the_envelope_and_the_report()
    {
        await using var sink = await StartSinkAsync(o => o.Chaos = new ChaosSettings { Preset = "address_rules" });
        using var api = ClientFor(sink);
        var sender = api.NewAddress("smtplib-dsn");
        var bounced = $"py-{Guid.NewGuid():N}@bounce-hard.example";
        var envelopeId = $"py-{Guid.NewGuid():N}";

        var (exitCode, output) = await PythonClientTests.RunPythonAsync(["smtplib_dsn.py", sink.Host, sink.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), sender, bounced, envelopeId]);

        Assert.True(exitCode == 0, output);
        var envelope = (await api.WaitForMessageAsync(MailSinkClient.To(bounced), cancellationToken: Cancellation)).Envelope!;
        Assert.Equal((sender, "HDRS", envelopeId), (envelope.From, envelope.Ret, envelope.EnvId));
        Assert.Equal([new EnvelopeRecipient(bounced, "FAILURE,DELAY", $"rfc822;{bounced}")], envelope.Recipients);
        var (_, report) = await WaitForReportAsync(api, sender);
        var (perMessage, perRecipient, returned) = Dissect(report);
        Assert.Equal(envelopeId, perMessage["Original-Envelope-Id"]);
        Assert.Equal($"rfc822;{bounced}", Assert.Single(perRecipient)["Original-Recipient"]);
        Assert.Equal(envelopeId, Assert.IsType<TextRfc822Headers>(returned).Message!.Headers["X-MailStack-ID"]);
    }
}
