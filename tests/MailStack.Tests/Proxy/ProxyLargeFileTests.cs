using System.Net;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// A tenant's <c>large_file_config</c> through the API (validated, defaults filled), and what it does
/// to large attachments: reject, warn, or rewrite — uploaded to the stack's object store and sent as a link.
/// </summary>
public sealed partial class ProxyLargeFileTests(StackFixture stack) : IDisposable
{
    private const int Megabyte = 1024 * 1024;

    private readonly AttachmentTestKit _kit = new(stack);

    public void Dispose() => _kit.Dispose();

    private async Task<JsonElement> TenantRecordAsync(string tenantId)
    {
        using var admin = await _kit.Proxy.AdminAsync();
        return await admin.GetFromJsonAsync<JsonElement>($"/tenant/{tenantId}", Cancellation);
    }

    // catalog: A12
    [Fact]
    public async Task A_tenant_created_with_a_large_file_config_reads_it_back_with_the_defaults_filled()
    {
        var tenantId = NewId("lf-create");
        using var admin = await _kit.Proxy.AdminAsync();
        using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, large_file_config = new { enabled = true, action = "rewrite" } }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var config = (await TenantRecordAsync(tenantId)).GetProperty("large_file_config");
        Assert.Equal("""{"enabled":true,"max_size_mb":10,"file_ttl_days":30,"action":"rewrite"}""", config.GetRawText());
    }

    // catalog: A13
    [Fact]
    public async Task A_tenants_large_file_config_is_replaced_by_an_update()
    {
        var tenantId = NewId("lf-update");
        await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 5, action = "reject" } });
        using var admin = await _kit.Proxy.AdminAsync();
        using var updated = await admin.PutAsJsonAsync($"/tenant/{tenantId}",
            new { large_file_config = new { enabled = true, max_size_mb = 2.5, file_ttl_days = 3, action = "warn", storage_url = "s3://mail-attachments/big" } }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        Assert.Equal("""{"enabled":true,"max_size_mb":2.5,"storage_url":"s3://mail-attachments/big","file_ttl_days":3,"action":"warn"}""",
            (await TenantRecordAsync(tenantId)).GetProperty("large_file_config").GetRawText());
    }

    // catalog: A14
    [Fact]
    public async Task A_tenants_large_file_handling_is_disabled_through_the_api_and_large_files_are_then_sent_inline()
    {
        var tenantId = NewId("lf-off");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 1, action = "reject" } });
        using var admin = await _kit.Proxy.AdminAsync();
        using var disabled = await admin.PutAsJsonAsync($"/tenant/{tenantId}", new { large_file_config = new { enabled = false, max_size_mb = 1, action = "reject" } }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False((await TenantRecordAsync(tenantId)).GetProperty("large_file_config").GetProperty("enabled").GetBoolean());

        var content = AttachmentTestKit.RandomBytes(3 * Megabyte / 2);
        var message = _kit.Message(tenantId, "off", new { filename = "big.bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", content) });
        await AttachmentTestKit.EnqueueAsync(tenant, message);
        Assert.Equal(content, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message))["big.bin"]);

        using var cleared = await admin.PutAsJsonAsync($"/tenant/{tenantId}", new Dictionary<string, object?> { ["large_file_config"] = null }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.False((await TenantRecordAsync(tenantId)).TryGetProperty("large_file_config", out _));
    }

    [Theory]
    [InlineData("""{"max_size_mb":0}""", "max_size_mb", "ensure this value is greater than 0")]
    [InlineData("""{"max_size_mb":-3}""", "max_size_mb", "ensure this value is greater than 0")]
    [InlineData("""{"file_ttl_days":0}""", "file_ttl_days", "ensure this value is greater than or equal to 1")]
    [InlineData("""{"storage_url":"file:///var/www"}""", "storage_url", "only s3://bucket[/prefix] is supported (unset: the object store's bucket)")]
    [InlineData("""{"public_base_url":"ftp://files.example.test"}""", "public_base_url", "invalid or missing URL scheme (http or https)")]
    public async Task A_large_file_config_with_a_bad_value_is_refused_with_422_naming_the_field(string config, string field, string message)
    {
        var tenantId = NewId("lf-bad");
        using var admin = await _kit.Proxy.AdminAsync();
        using var created = await admin.PostAsync("/tenant", Json($$"""{"id":"{{tenantId}}","large_file_config":{{config}}}"""), Cancellation);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        var detail = Assert.Single((await JsonAsync(created)).GetProperty("detail").EnumerateArray());
        Assert.Equal($"""["body","large_file_config","{field}"]""", detail.GetProperty("loc").GetRawText());
        Assert.Equal(message, detail.GetProperty("msg").GetString());
        using var missing = await admin.GetAsync($"/tenant/{tenantId}", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("""{"action":"explode"}""", "action")]
    [InlineData("""{"max_size_mb":"ten"}""", "max_size_mb")]
    [InlineData("""{"enabled":true,"colour":"blue"}""", "colour")]
    public async Task A_large_file_config_with_an_unknown_action_a_wrong_type_or_an_unknown_field_is_refused_with_422(string config, string field)
    {
        var tenantId = NewId("lf-type");
        using var admin = await _kit.Proxy.AdminAsync();
        using var created = await admin.PostAsync("/tenant", Json($$"""{"id":"{{tenantId}}","large_file_config":{{config}}}"""), Cancellation);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        var detail = Assert.Single((await JsonAsync(created)).GetProperty("detail").EnumerateArray());
        Assert.Equal("body", detail.GetProperty("loc")[0].GetString());
        Assert.Equal(field, detail.GetProperty("loc").EnumerateArray().Last().GetString());
    }

    // catalog: A06
    // catalog: A07
    // catalog: A10
    // catalog: A11
    [Fact]
    public async Task Under_rewrite_a_large_attachment_goes_to_the_bucket_as_a_link_in_both_bodies_and_a_small_one_stays_inline()
    {
        var tenantId = NewId("lf-rw");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 1, action = "rewrite", file_ttl_days = 2 } });
        var large = AttachmentTestKit.RandomBytes(3 * Megabyte / 2);
        var small = AttachmentTestKit.RandomBytes(200_000);
        var message = _kit.Message(tenantId, "mixed",
            new { filename = "big <b>&\"report\".bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", large) },
            new { filename = "small.bin", storage_path = await _kit.ServeAsync($"{tenantId}/small.bin", small) });
        message["html"] = "<html><body><p>html of mixed</p></body></html>";
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var mail = await _kit.DeliveredAsync(message);
        var inline = Assert.Single(AttachmentTestKit.Attachments(mail));
        Assert.Equal("small.bin", inline.Key);
        Assert.Equal(small, inline.Value);

        // The text body ends with the footer and the link…
        var text = mail.TextBody!;
        Assert.StartsWith("text of mixed\n\n---\nLarge attachments available for download:\n  - big <b>&\"report\".bin (1.5 MB): http", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("\n(Links expire in 2 days.)", text.ReplaceLineEndings("\n").TrimEnd('\n'), StringComparison.Ordinal);
        var link = new Uri(LinkInText().Match(text).Groups[1].Value);
        // …and the HTML body has the same link, escaped, before </body>.
        var html = mail.HtmlBody!;
        Assert.Contains($"<li><a href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\">big &lt;b&gt;&amp;&quot;report&quot;.bin</a> (1.5 MB)</li>", html, StringComparison.Ordinal);
        Assert.EndsWith("<p><em>Links expire in 2 days.</em></p></body></html>", html.TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("<html><body><p>html of mixed</p><hr style=\"margin-top: 20px;\"><p><strong>Large attachments available for download:</strong></p><ul>", html, StringComparison.Ordinal);
        AssertLasts(2, link);

        // The link downloads exactly the bytes; the object is in the stack's bucket under the tenant.
        using (var download = new HttpClient())
        {
            Assert.Equal(large, await download.GetByteArrayAsync(link, Cancellation));
        }

        var (s3, bucket) = await _kit.ObjectStoreAsync();
        using (s3)
        {
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = $"{tenantId}/" }, Cancellation);
            var stored = Assert.Single(listed.S3Objects);
            Assert.EndsWith("/big <b>&\"report\".bin", stored.Key, StringComparison.Ordinal);
            using var read = await s3.GetObjectAsync(bucket, stored.Key, Cancellation);
            using var bytes = new MemoryStream();
            await read.ResponseStream.CopyToAsync(bytes, Cancellation);
            Assert.Equal(AttachmentTestKit.Md5(large), AttachmentTestKit.Md5(bytes.ToArray()));
            Assert.Equal($"/{bucket}/{stored.Key}", Uri.UnescapeDataString(link.AbsolutePath));
        }

        Assert.Equal(MessageStatus.Sent, (await AttachmentTestKit.SettledAsync(tenant, tenantId, "mixed")).Status);
    }

    [Fact]
    public async Task Under_rewrite_a_link_starts_with_the_public_base_url_and_lasts_at_most_the_seven_days_S3_can_sign()
    {
        // The store under another name (localhost ↔ 127.0.0.1), as a public host in front of it would be;
        // file_ttl_days 30 is genro's default, longer than S3 accepts.
        var store = new Uri((await stack.App.GetPartsAsync("objects", Cancellation))["Endpoint"]);
        var publicBase = $"http://{(store.Host == "localhost" ? "127.0.0.1" : "localhost")}:{store.Port}";
        var tenantId = NewId("lf-pub");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 1, action = "rewrite", file_ttl_days = 30, public_base_url = publicBase } });
        var large = AttachmentTestKit.RandomBytes(3 * Megabyte / 2);
        var message = _kit.Message(tenantId, "public", new { filename = "big.bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", large) });
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var text = (await _kit.DeliveredAsync(message)).TextBody!.ReplaceLineEndings("\n");
        var link = new Uri(LinkInText().Match(text).Groups[1].Value);
        var (s3, bucket) = await _kit.ObjectStoreAsync();
        s3.Dispose();
        Assert.StartsWith($"{publicBase}/{bucket}/{tenantId}/", link.AbsoluteUri, StringComparison.Ordinal);
        AssertLasts(7, link);
        Assert.EndsWith("\n(Links expire in 7 days.)", text.TrimEnd('\n'), StringComparison.Ordinal);
        using var download = new HttpClient();
        Assert.Equal(large, await download.GetByteArrayAsync(link, Cancellation));
    }

    // catalog: A08
    [Fact]
    public async Task Under_reject_a_large_attachment_ends_the_message_in_error_with_genros_reason()
    {
        var tenantId = NewId("lf-rej");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 1, action = "reject" } });
        var message = _kit.Message(tenantId, "rejected", new { filename = "big.bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", AttachmentTestKit.RandomBytes(3 * Megabyte / 2)) });
        var small = _kit.Message(tenantId, "small", new { filename = "small.bin", storage_path = "base64:" + Convert.ToBase64String(AttachmentTestKit.RandomBytes(1000)) });
        await AttachmentTestKit.EnqueueAsync(tenant, message, small);

        await _kit.DeliveredAsync(small);
        var record = await AttachmentTestKit.SettledAsync(tenant, tenantId, "rejected");
        Assert.Equal("Attachment 'big.bin' (1.5 MB) exceeds limit (1.0 MB)", record.Error);
        Assert.Equal("Attachment 'big.bin' (1.5 MB) exceeds limit (1.0 MB)", (await _kit.Proxy.WaitForReportAsync("echo-tenant1", "rejected", tenantId)).Error);
    }

    // catalog: A09
    [Fact]
    public async Task Under_warn_a_large_attachment_is_sent_as_is_with_a_warning_in_the_history()
    {
        var tenantId = NewId("lf-warn");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 0.5, action = "warn" } });
        var content = AttachmentTestKit.RandomBytes(Megabyte);
        var message = _kit.Message(tenantId, "warned", new { filename = "big.bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", content) });
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        Assert.Equal(content, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message))["big.bin"]);
        var history = (await AttachmentTestKit.SettledAsync(tenant, tenantId, "warned")).History!
            .Select(e => (e.EventType, e.Description)).ToList();
        Assert.Equal([("warning", "Attachment 'big.bin' (1.0 MB) exceeds limit (0.5 MB): sent anyway"), ("sent", "sent")], history);
    }

    [Fact]
    public async Task Under_rewrite_an_upload_that_fails_attaches_the_file_and_records_a_warning()
    {
        var tenantId = NewId("lf-upfail");
        using var tenant = await _kit.TenantAsync(tenantId, new { large_file_config = new { enabled = true, max_size_mb = 0.5, action = "rewrite", storage_url = "s3://no-such-bucket-mailstack/x" } });
        var content = AttachmentTestKit.RandomBytes(Megabyte);
        var message = _kit.Message(tenantId, "fallback", new { filename = "big.bin", storage_path = await _kit.ServeAsync($"{tenantId}/big.bin", content) });
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var mail = await _kit.DeliveredAsync(message);
        Assert.Equal(content, AttachmentTestKit.Attachments(mail)["big.bin"]);
        Assert.DoesNotContain("Large attachments available", mail.TextBody!, StringComparison.Ordinal);
        var warning = (await AttachmentTestKit.SettledAsync(tenant, tenantId, "fallback")).History![0];
        Assert.Equal("warning", warning.EventType);
        var description = warning.Description!;
        Assert.StartsWith("Attachment 'big.bin' (1.0 MB) exceeds limit (0.5 MB): upload to the object store failed (", description, StringComparison.Ordinal);
        Assert.EndsWith("), attached instead", description, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>
    /// The link's X-Amz-Expires: the days asked for, less the seconds the SDK took to sign (it counts
    /// from its own, later reading of the clock) — never more.
    /// </summary>
    private static void AssertLasts(int days, Uri link)
    {
        var expires = System.Web.HttpUtility.ParseQueryString(link.Query)["X-Amz-Expires"];
        Assert.InRange(long.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture), days * 86400L - 60, days * 86400L);
    }

    [GeneratedRegex(@"\(1\.5 MB\): (\S+)")]
    private static partial Regex LinkInText();
}
