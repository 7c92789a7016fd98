using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>SMTP behaviour against real clients (MailKit, raw sockets) over TCP.</summary>
public sealed class SmtpConformanceTests
{
    [Fact]
    public async Task Plain_send_is_stored_with_envelope_and_content()
    {
        await using var sink = await StartSinkAsync();
        using var client = ClientFor(sink);
        var to = client.NewAddress("plain");

        var reply = await SendAsync(sink, NewMessage(to, "Plain subject", "Plain body"));

        var stored = await client.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.StartsWith("2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
        Assert.EndsWith(stored.ID, reply, StringComparison.Ordinal);
        Assert.Equal("Plain subject", stored.Subject);
        Assert.Equal("Plain body", stored.Text.Trim());
        Assert.Equal(to, Assert.Single(stored.To).Address);
        Assert.Equal("sender@example.test", stored.ReturnPath);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("CRAM-MD5")]
    public async Task Starttls_then_each_auth_mechanism_with_known_users(string mechanism)
    {
        await using var sink = await StartSinkAsync(o =>
        {
            o.Smtp.RequireTls = true;
            o.Smtp.RequireAuth = true;
            o.Smtp.Users["alice"] = "s3cret";
        });
        using var api = ClientFor(sink);
        var to = api.NewAddress(mechanism);
        using var smtp = await ConnectAsync(sink, SecureSocketOptions.StartTls);
        Assert.True(smtp.IsSecure);
        foreach (var other in smtp.AuthenticationMechanisms.Where(m => m != mechanism).ToList())
        {
            smtp.AuthenticationMechanisms.Remove(other);
        }

        await smtp.AuthenticateAsync("alice", "s3cret", Cancellation);
        await smtp.SendAsync(NewMessage(to, $"via {mechanism}"), Cancellation);
        await smtp.DisconnectAsync(true, Cancellation);

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal($"via {mechanism}", stored.Subject);
        Assert.Equal("alice", (await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Single().Username);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("CRAM-MD5")]
    public async Task Wrong_password_is_refused_with_535(string mechanism)
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.Users["alice"] = "s3cret");
        using var smtp = await ConnectAsync(sink, SecureSocketOptions.StartTls);
        foreach (var other in smtp.AuthenticationMechanisms.Where(m => m != mechanism).ToList())
        {
            smtp.AuthenticationMechanisms.Remove(other);
        }

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => smtp.AuthenticateAsync("alice", "wrong", Cancellation));
        Assert.Contains("authentication failed", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Implicit_tls_port_serves_smtps()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.TlsPort = 0);
        using var api = ClientFor(sink);
        var to = api.NewAddress("smtps");
        using var smtp = new SmtpClient { ServerCertificateValidationCallback = TrustOnly(sink) };
        await smtp.ConnectAsync(sink.Host, sink.SmtpsEndPoint!.Port, SecureSocketOptions.SslOnConnect, Cancellation);
        Assert.True(smtp.IsSecure);
        await smtp.SendAsync(NewMessage(to, "over smtps"), Cancellation);
        await smtp.DisconnectAsync(true, Cancellation);

        Assert.Equal("over smtps", (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);
    }

    [Fact]
    public async Task Auth_required_refuses_mail_before_auth()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.RequireAuth = true);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");

        Assert.Equal("530 5.7.0 Authentication required", await wire.CommandAsync("MAIL FROM:<a@example.test>"));
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0anyone\0anything"));
        Assert.StartsWith("235", await wire.CommandAsync($"AUTH PLAIN {plain}"), StringComparison.Ordinal);
        Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<a@example.test>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_required_refuses_mail_before_starttls()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.RequireTls = true);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        var ehlo = await wire.CommandAsync("EHLO client.test");

        Assert.Contains("250-STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await wire.CommandAsync("MAIL FROM:<a@example.test>"));
    }

    [Fact]
    public async Task Ehlo_advertises_the_extensions()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.MaxMessageSize = 12345);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        Assert.StartsWith("220 ", await wire.ReadReplyAsync(), StringComparison.Ordinal);
        var lines = (await wire.CommandAsync("EHLO client.test")).Split('\n').Select(l => l[4..]).ToList();

        Assert.Equal(["SIZE 12345", "8BITMIME", "SMTPUTF8", "PIPELINING", "ENHANCEDSTATUSCODES", "DSN", "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5", "HELP"], lines.Skip(1));
    }

    [Fact]
    public async Task Oversized_message_gets_552_while_streaming_and_the_connection_stays_usable()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.MaxMessageSize = 10_000);
        using var api = ClientFor(sink);
        var to = api.NewAddress("size");
        using var smtp = await ConnectAsync(sink);
        smtp.Capabilities &= ~SmtpCapabilities.Size; // make the client stream it anyway

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(NewMessage(to, "too big", new string('x', 50_000)), Cancellation));
        Assert.Equal(SmtpStatusCode.ExceededStorageAllocation, error.StatusCode);
        Assert.Contains("message too large", error.Message, StringComparison.Ordinal);

        await smtp.SendAsync(NewMessage(to, "small enough"), Cancellation);
        var stored = await api.WaitForCountAsync(MailSinkClient.To(to), 1, cancellationToken: Cancellation);
        Assert.Equal("small enough", Assert.Single(stored).Subject);
    }

    [Fact]
    public async Task Declared_size_over_the_limit_is_refused_at_mail_from()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.MaxMessageSize = 1000);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        Assert.StartsWith("552 5.3.4", await wire.CommandAsync("MAIL FROM:<a@example.test> SIZE=5000"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recipients_beyond_the_maximum_get_452()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.MaxRecipients = 2);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");

        Assert.StartsWith("250", await wire.CommandAsync("RCPT TO:<r1@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await wire.CommandAsync("RCPT TO:<r2@example.test>"), StringComparison.Ordinal);
        Assert.Equal("452 4.5.3 Error: too many recipients", await wire.CommandAsync("RCPT TO:<r3@example.test>"));
    }

    [Fact]
    public async Task Recipient_outside_the_allowed_pattern_gets_550()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.AllowedRecipientPattern = "@allowed\\.test$");
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");

        Assert.StartsWith("250", await wire.CommandAsync("RCPT TO:<ok@allowed.test>"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.0", await wire.CommandAsync("RCPT TO:<no@other.test>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipelined_commands_get_their_replies_in_order()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("pipelining");
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");

        await wire.SendAsync($"MAIL FROM:<a@example.test>\r\nRCPT TO:<{to}>\r\nRCPT TO:<other-{to}>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Ok", await wire.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Ok", await wire.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Ok", await wire.ReadReplyAsync());
        Assert.StartsWith("354", await wire.ReadReplyAsync(), StringComparison.Ordinal);
        await wire.SendAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await wire.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("221 2.0.0 Bye", await wire.ReadReplyAsync());

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal("pipelined", stored.Subject);
    }

    [Fact]
    public async Task Dot_stuffing_bare_lf_and_8bit_bodies_are_stored_faithfully()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("dots");
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test> BODY=8BITMIME");
        await wire.CommandAsync($"RCPT TO:<{to}>");
        await wire.CommandAsync("DATA");
        var body = "Subject: dots\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "..leading dot\r\nbare LF line\nGrüße aus Köln ✓\r\n...\r\n.\r\n";
        await wire.SendBytesAsync(Encoding.UTF8.GetBytes(body));
        Assert.StartsWith("250", await wire.ReadReplyAsync(), StringComparison.Ordinal);

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        var raw = Encoding.UTF8.GetString(await api.GetRawAsync(stored.ID, Cancellation));
        Assert.EndsWith("\r\n\r\n.leading dot\r\nbare LF line\r\nGrüße aus Köln ✓\r\n..\r\n", raw, StringComparison.Ordinal);
        Assert.Equal(".leading dot\nbare LF line\nGrüße aus Köln ✓\n..", stored.Text.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public async Task Smtputf8_addresses_are_accepted_and_stored()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = $"jörg-{Guid.NewGuid():N}@exämple.test";
        using var smtp = await ConnectAsync(sink);
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        var message = NewMessage(to, "Ünïcödé subject", from: "séndér@exämple.test");
        await smtp.SendAsync(message, Cancellation);

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal(to, Assert.Single(stored.To).Address);
        Assert.Equal("séndér@exämple.test", stored.From.Address);
        Assert.Equal("Ünïcödé subject", stored.Subject);
    }

    [Fact]
    public async Task Rset_mid_transaction_discards_the_envelope()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var first = api.NewAddress("rset-first");
        var second = api.NewAddress("rset-second");
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        await wire.CommandAsync($"RCPT TO:<{first}>");

        Assert.Equal("250 2.0.0 Ok", await wire.CommandAsync("RSET"));
        Assert.StartsWith("503", await wire.CommandAsync("DATA"), StringComparison.Ordinal);
        await wire.CommandAsync("MAIL FROM:<b@example.test>");
        await wire.CommandAsync($"RCPT TO:<{second}>");
        await wire.CommandAsync("DATA");
        Assert.StartsWith("250", await wire.CommandAsync("Subject: after rset\r\n\r\nx\r\n."), StringComparison.Ordinal);

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(second), cancellationToken: Cancellation);
        Assert.Equal("b@example.test", stored.ReturnPath);
        Assert.Empty(await api.SearchAsync(MailSinkClient.To(first), cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Disconnect_mid_data_stores_nothing()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("abort");
        await using (var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort))
        {
            await wire.ReadReplyAsync();
            await wire.CommandAsync("EHLO client.test");
            await wire.CommandAsync("MAIL FROM:<a@example.test>");
            await wire.CommandAsync($"RCPT TO:<{to}>");
            await wire.CommandAsync("DATA");
            await wire.SendAsync("Subject: half\r\n\r\nhalf a body\r\n");
        }

        // A later message on another connection proves the sink went on and the first one is not there.
        var marker = api.NewAddress("after-abort");
        await SendAsync(sink, NewMessage(marker, "after"));
        await api.WaitForMessageAsync(MailSinkClient.To(marker), cancellationToken: Cancellation);
        Assert.Empty(await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation));
        Assert.Equal(1, sink.Store.Count);
    }

    [Fact]
    public async Task Bcc_recipients_and_missing_message_id_follow_mailpit_ingestion()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var visible = api.NewAddress("visible");
        var hidden = api.NewAddress("hidden");
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<bounce@example.test>");
        await wire.CommandAsync($"RCPT TO:<{visible}>");
        await wire.CommandAsync($"RCPT TO:<{hidden}>");
        await wire.CommandAsync("DATA");
        await wire.CommandAsync($"From: a@example.test\r\nTo: {visible}\r\nSubject: ingest\r\n\r\nbody\r\n.");

        var stored = await api.WaitForMessageAsync(MailSinkClient.To(hidden), cancellationToken: Cancellation);
        Assert.Equal(hidden, Assert.Single(stored.Bcc).Address);
        Assert.Equal("bounce@example.test", stored.ReturnPath);
        Assert.False(string.IsNullOrEmpty(stored.MessageID));
        var raw = Encoding.UTF8.GetString(await api.GetRawAsync(stored.ID, Cancellation));
        Assert.StartsWith($"Return-Path: <bounce@example.test>\r\nMessage-ID: <{stored.MessageID}>\r\nBcc: {hidden}\r\n", raw, StringComparison.Ordinal);
    }
}
