using MailStack.Tests.Proxy.Hosting;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// <c>GET/PUT /instance</c> and <c>POST /instance/reload-bounce</c> as genro v0.6.9 answers them, on a
/// proxy of its own (changing the stack proxy's bounce mailbox would disturb the other bounce tests).
/// </summary>
public sealed class ProxyBounceSettingsTests(StackFixture stack)
{
    [Fact]
    public async Task A_new_instance_shows_genros_defaults_and_an_update_changes_only_the_fields_given()
    {
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();

        var fresh = await admin.GetInstanceAsync();
        Assert.Equal(new InstanceRecord
        {
            Ok = true,
            Id = 1,
            Name = "mail-proxy",
            BounceEnabled = false,
            BounceImapPort = 993,
            BounceImapFolder = "INBOX",
            BounceImapSsl = true,
            BouncePollInterval = 60,
            BounceDeleteProcessed = false,
        }, fresh with { Other = null });
        Assert.Equal(["created_at", "updated_at"], fresh.Other!.Keys.Order());

        await admin.UpdateInstanceAsync(new
        {
            bounce_enabled = true,
            bounce_imap_host = "imap.example.test",
            bounce_imap_port = 143,
            bounce_imap_user = "bounces@example.test",
            bounce_imap_password = "secret",
            bounce_imap_ssl = false,
            bounce_poll_interval = 30,
            bounce_return_path = "bounces@example.test",
        });
        // As genro: null (or absent) keeps a value; an empty string clears a text one.
        await admin.UpdateInstanceAsync(new { name = "relay-1", bounce_imap_user = (string?)null, bounce_return_path = "" });

        using var response = await admin.GetAsync("/instance", Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", text, StringComparison.Ordinal);
        var updated = await response.ReadAsync<InstanceRecord>();
        Assert.Equal(fresh with
        {
            Name = "relay-1",
            BounceEnabled = true,
            BounceImapHost = "imap.example.test",
            BounceImapPort = 143,
            BounceImapUser = "bounces@example.test",
            BounceImapSsl = false,
            BouncePollInterval = 30,
            Other = null,
        }, updated with { Other = null });
    }

    [Theory]
    [InlineData("""{"bounce_imap_port":0}""", "bounce_imap_port")]
    [InlineData("""{"bounce_imap_port":"143"}""", "bounce_imap_port")]
    [InlineData("""{"bounce_poll_interval":0}""", "bounce_poll_interval")]
    [InlineData("""{"bounce_enabled":"yes"}""", "bounce_enabled")]
    [InlineData("""{"bounce_imap_folder":" "}""", "bounce_imap_folder")]
    [InlineData("""{"bounce_imap_host":"not a host"}""", "bounce_imap_host")]
    [InlineData("""{"bounce_return_path":"no-at-sign"}""", "bounce_return_path")]
    [InlineData("""{"api_token":"new-admin-token"}""", "api_token")]
    public async Task Bad_settings_get_a_422_naming_the_field_and_change_nothing(string body, string field)
    {
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();
        var before = await admin.GetInstanceAsync();

        using var response = await admin.PutAsync("/instance", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = (await JsonAsync(response)).GetProperty("detail")[0];
        Assert.Equal(["body", field], detail.GetProperty("loc").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(before, await admin.GetInstanceAsync() with { Other = before.Other });
    }

    [Fact]
    public async Task Reload_refuses_bounces_enabled_without_a_host_and_accepts_them_off()
    {
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();
        await admin.ReloadBounceAsync();

        await admin.UpdateInstanceAsync(new { bounce_enabled = true });
        using var refused = await admin.PostAsync("/instance/reload-bounce", null, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("""{"ok":false,"detail":"Bounce enabled but imap_host not configured"}""", await refused.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Only_the_admin_token_reaches_the_instance_routes()
    {
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess });
        using var admin = proxy.Client();
        var tenantId = NewId("inst");
        using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId }, Cancellation);
        var key = (await created.ReadAsync<TenantSaved>()).ApiKey!;
        using var tenant = proxy.Client(key);
        using var anonymous = proxy.Client(null);

        foreach (var (method, path, body) in new (string Method, string Path, string? Body)[] { ("GET", "/instance", null), ("PUT", "/instance", """{"name":"x"}"""), ("POST", "/instance/reload-bounce", null) })
        {
            foreach (var (client, expected) in new[] { (anonymous, HttpStatusCode.Unauthorized), (tenant, HttpStatusCode.Forbidden), (admin, HttpStatusCode.OK) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
                using var response = await client.SendAsync(request, Cancellation);
                Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }
    }
}
