using MailKit.Security;
using MailStack.Proxy.Dispatch;
using MailStack.Sink.Hosting;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>How the proxy reaches a tenant's SMTP server: TLS rule, STARTTLS and AUTH against a sink that demands both.</summary>
public sealed class ProxyTransportTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    [Theory]
    [InlineData(465, null, SecureSocketOptions.SslOnConnect)]
    [InlineData(465, true, SecureSocketOptions.SslOnConnect)]
    [InlineData(465, false, SecureSocketOptions.None)]
    [InlineData(587, null, SecureSocketOptions.None)]
    [InlineData(587, true, SecureSocketOptions.StartTls)]
    [InlineData(25, false, SecureSocketOptions.None)]
    public void Use_tls_unset_means_tls_only_on_465_which_is_implicit(int port, bool? useTls, SecureSocketOptions expected) =>
        Assert.Equal(expected, SmtpEndpoint.TlsFor(port, useTls));

    [Fact]
    public async Task An_account_with_tls_and_a_login_sends_over_starttls_as_that_user()
    {
        await using var sink = await StrictSinkAsync();
        var tenantId = NewId("starttls");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort));
        await SaveAccountAsync(tenant, tenantId, sink, "s3cret");

        await EnqueueAsync(tenant, tenantId, "secure");
        await WaitForStatusAsync(tenant, tenantId, "secure", s => s == MessageStatus.Sent);

        // The sink refuses MAIL before STARTTLS and AUTH: arriving at all proves both happened.
        var stored = Assert.Single(sink.Store.Snapshot());
        Assert.Equal("mailer", stored.Username);
    }

    [Fact]
    public async Task A_wrong_password_ends_the_message_in_error_with_the_servers_reply()
    {
        await using var sink = await StrictSinkAsync();
        var tenantId = NewId("badlogin");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort));
        await SaveAccountAsync(tenant, tenantId, sink, "wrong");

        await EnqueueAsync(tenant, tenantId, "refused");
        var record = await WaitForStatusAsync(tenant, tenantId, "refused", s => s == MessageStatus.Error);

        Assert.EndsWith("(SMTP 535)", record.Error, StringComparison.Ordinal);
        Assert.Equal(0, record.RetryCount);
        Assert.Empty(sink.Store.Snapshot());
    }

    [Fact]
    public async Task A_message_over_the_servers_size_limit_ends_in_error_with_552()
    {
        await using var sink = await SinkTestKit.StartSinkAsync(options => options.Smtp.MaxMessageSize = 10 * 1024);
        var tenantId = NewId("toolarge");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId, sink.Host, sink.SmtpPort));
        Assert.Equal(1, (await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, "big", "someone@example.test", "big", new string('x', 20 * 1024)))).Queued);

        var record = await WaitForStatusAsync(tenant, tenantId, "big", s => s == MessageStatus.Error);
        Assert.EndsWith("(SMTP 552)", record.Error, StringComparison.Ordinal);
        Assert.Empty(sink.Store.Snapshot());
    }

    private static Task<MailSink> StrictSinkAsync() => SinkTestKit.StartSinkAsync(options =>
    {
        options.Smtp.RequireTls = true;
        options.Smtp.RequireAuth = true;
        options.Smtp.Users["mailer"] = "s3cret";
    });

    /// <summary>Turns the tenant's account "main" into one with STARTTLS and a login.</summary>
    private static async Task SaveAccountAsync(HttpClient tenant, string tenantId, MailSink sink, string password)
    {
        using var saved = await tenant.PostAsJsonAsync("/account", new
        {
            id = "main",
            tenant_id = tenantId,
            host = sink.Host,
            port = sink.SmtpPort,
            use_tls = true,
            user = "mailer",
            password,
        }, Cancellation);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Cancellation));
    }

    private static async Task EnqueueAsync(HttpClient tenant, string tenantId, string id) =>
        Assert.Equal(1, (await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, id, "someone@example.test"))).Queued);
}
