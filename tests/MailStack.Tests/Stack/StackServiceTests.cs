using Amazon.S3;
using Amazon.S3.Model;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailStack.Tests.Stack;

/// <summary>Each piece of the started stack does its job over real connections.</summary>
public sealed class StackServiceTests(StackFixture stack)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_queries_the_mail_database()
    {
        using var http = stack.App.CreateHttpClient("proxy", "http");
        using var response = await http.GetAsync("/status/database", Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal("maildb", body.GetProperty("database").GetString());
        Assert.StartsWith("15", body.GetProperty("server_version").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Object_store_returns_exactly_the_bytes_put()
    {
        var parts = await stack.App.GetPartsAsync("objects", Cancellation);
        Assert.Equal("mail-attachments", parts["Bucket"]);
        using var s3 = new AmazonS3Client(parts["AccessKey"], parts["SecretKey"], new AmazonS3Config
        {
            ServiceURL = parts["Endpoint"],
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        var content = new byte[300_000];
        Random.Shared.NextBytes(content);
        var key = $"stack-test/{Guid.NewGuid():N}.bin";

        using (var upload = new MemoryStream(content))
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = parts["Bucket"],
                Key = key,
                InputStream = upload,
                UseChunkEncoding = false, // s3rver stores chunk signatures in the body otherwise
            }, Cancellation);
        }

        using var download = await s3.GetObjectAsync(parts["Bucket"], key, Cancellation);
        using var received = new MemoryStream();
        await download.ResponseStream.CopyToAsync(received, Cancellation);
        Assert.Equal(content, received.ToArray());
    }

    [Fact]
    public async Task Bounce_mailbox_accepts_imap_login_append_and_fetch()
    {
        var parts = await stack.App.GetPartsAsync("dovecot", Cancellation);
        var subject = $"bounce-{Guid.NewGuid():N}";
        var message = new MimeMessage(
            [new MailboxAddress("Mailer Daemon", "mailer-daemon@example.test")],
            [new MailboxAddress("", parts["Username"])],
            subject,
            new TextPart("plain") { Text = "Delivery failed: 550 5.1.1 no such user" });

        using var imap = new ImapClient();
        await imap.ConnectAsync(parts["Host"], int.Parse(parts["Port"]), MailKit.Security.SecureSocketOptions.None, Cancellation);
        await imap.AuthenticateAsync(parts["Username"], parts["Password"], Cancellation);
        // A folder of the test's own: the proxy's bounce receiver takes whatever lands in the inbox.
        var folder = (await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync(subject, isMessageFolder: true, Cancellation))!;
        await folder.OpenAsync(FolderAccess.ReadWrite, Cancellation);
        var uid = await folder.AppendAsync(message, MessageFlags.None, Cancellation);

        Assert.NotNull(uid);
        var fetched = await folder.GetMessageAsync(uid.Value, Cancellation);
        Assert.Equal(subject, fetched.Subject);
        Assert.Equal("Delivery failed: 550 5.1.1 no such user", fetched.TextBody?.Trim());
        await imap.DisconnectAsync(quit: true, Cancellation);
    }

    [Fact]
    public async Task Bounce_mailbox_rejects_a_wrong_password()
    {
        var parts = await stack.App.GetPartsAsync("dovecot", Cancellation);
        using var imap = new ImapClient();
        await imap.ConnectAsync(parts["Host"], int.Parse(parts["Port"]), MailKit.Security.SecureSocketOptions.None, Cancellation);
        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(
            () => imap.AuthenticateAsync(parts["Username"], "not-the-password", Cancellation));
    }

    [Theory]
    [InlineData("echo-tenant1")]
    [InlineData("echo-tenant2")]
    public async Task Echo_server_records_a_post(string echo)
    {
        using var http = stack.App.CreateHttpClient(echo, "http");
        var marker = Guid.NewGuid().ToString("N");
        using var post = await http.PostAsJsonAsync("/mail-proxy/sync", new { delivery_report = new[] { new { id = marker, sent_ts = 1 } } }, Cancellation);
        Assert.True(post.IsSuccessStatusCode);

        var recorded = await http.GetFromJsonAsync<JsonElement>("/requests?path=/mail-proxy/sync", Cancellation);
        var request = Assert.Single(recorded.GetProperty("requests").EnumerateArray(), r => r.GetProperty("body").GetString()!.Contains(marker, StringComparison.Ordinal));
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal("/mail-proxy/sync", request.GetProperty("path").GetString());
        var body = JsonDocument.Parse(request.GetProperty("body").GetString()!);
        Assert.Equal(marker, body.RootElement.GetProperty("delivery_report")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("sink-tenant1")]
    [InlineData("sink-tenant2")]
    [InlineData("proxy")]
    public async Task Service_answers_health(string service)
    {
        using var http = stack.App.CreateHttpClient(service, "http");
        // catalog: C01 — the proxy answers as genro does.
        Assert.Equal(service == "proxy" ? """{"status":"ok"}""" : "Healthy", await http.GetStringAsync("/health", Cancellation));
        Assert.Equal("Healthy", await http.GetStringAsync("/alive", Cancellation));
    }
}
