using System.Text;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// Attachments fetched at send time by every mode — http_url, endpoint, filesystem — with the
/// timeout, failures naming the file, the MD5 cache and the checks at enqueue, through the real stack.
/// </summary>
public sealed class ProxyAttachmentTests(StackFixture stack) : IDisposable
{
    private readonly AttachmentTestKit _kit = new(stack);

    public void Dispose() => _kit.Dispose();

    // catalog: A02
    [Fact]
    public async Task An_http_url_attachment_arrives_with_the_bytes_served()
    {
        var tenantId = NewId("att-url");
        using var tenant = await _kit.TenantAsync(tenantId);
        // Larger than the proxy's memory buffer: the body goes through a spool file.
        var content = AttachmentTestKit.RandomBytes(700_000);
        var url = await _kit.ServeAsync($"{tenantId}/report.pdf", content);

        var message = _kit.Message(tenantId, "one", new { filename = "report.pdf", storage_path = url });
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var mail = await _kit.DeliveredAsync(message);
        var attachment = Assert.Single(AttachmentTestKit.Attachments(mail));
        Assert.Equal("report.pdf", attachment.Key);
        Assert.Equal(content, attachment.Value);
        Assert.Equal("application/pdf", mail.Attachments.Single().ContentType.MimeType);
        Assert.Equal((1, 1), await _kit.FetchStatsAsync(tenantId));
        Assert.Equal(MessageStatus.Sent, (await AttachmentTestKit.SettledAsync(tenant, tenantId, "one")).Status);
    }

    // catalog: A03
    [Fact]
    public async Task Several_http_url_attachments_are_fetched_in_parallel_and_arrive_intact()
    {
        var tenantId = NewId("att-par");
        using var tenant = await _kit.TenantAsync(tenantId);
        var files = Enumerable.Range(1, 3).Select(i => (Name: $"part-{i}.bin", Bytes: AttachmentTestKit.RandomBytes(50_000 * i))).ToList();
        var attachments = new List<object>();
        foreach (var (name, bytes) in files)
        {
            // Each answer waits a second: the fetches overlap only if they run side by side.
            attachments.Add(new { filename = name, storage_path = await _kit.ServeAsync($"{tenantId}/{name}", bytes, delayMilliseconds: 1000), fetch_mode = "http_url" });
        }

        var message = _kit.Message(tenantId, "many", [.. attachments]);
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var received = AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message));
        Assert.Equal(files.Select(f => f.Name).Order(), received.Keys.Order());
        Assert.All(files, f => Assert.Equal(f.Bytes, received[f.Name]));
        Assert.Equal((3, 3), await _kit.FetchStatsAsync(tenantId));
    }

    // catalog: A04
    [Fact]
    public async Task A_fetch_slower_than_the_timeout_ends_that_message_in_error_naming_the_file_and_others_are_sent()
    {
        var tenantId = NewId("att-slow");
        using var tenant = await _kit.TenantAsync(tenantId);
        var slowUrl = await _kit.ServeAsync($"{tenantId}/slow.bin", [1, 2, 3], delayMilliseconds: 60_000);
        var slow = _kit.Message(tenantId, "slow", new { filename = "slow.bin", storage_path = slowUrl });
        var plain = _kit.Message(tenantId, "plain");
        await AttachmentTestKit.EnqueueAsync(tenant, slow, plain);

        await _kit.DeliveredAsync(plain);
        var record = await AttachmentTestKit.SettledAsync(tenant, tenantId, "slow");
        var expected = $"Attachment fetch failed for 'slow.bin': timed out after {StackFixture.AttachmentFetchTimeout.TotalSeconds} s";
        Assert.Equal(MessageStatus.Error, record.Status);
        Assert.Equal(expected, record.Error);
        Assert.Equal(expected, (await _kit.Proxy.WaitForReportAsync("echo-tenant1", "slow", tenantId)).Error);
        Assert.Empty(await _kit.Sink.SearchAsync(MailSinkClient.To((string)slow["to"]!), cancellationToken: Cancellation));
    }

    // catalog: A05
    [Fact]
    public async Task An_invalid_url_or_a_missing_file_ends_the_message_in_error_naming_the_file()
    {
        var tenantId = NewId("att-bad");
        using var tenant = await _kit.TenantAsync(tenantId);
        var missing = $"{_kit.EchoUrl}/files/{tenantId}/nonexistent-file.txt";
        await AttachmentTestKit.EnqueueAsync(tenant,
            _kit.Message(tenantId, "invalid", new { filename = "test.txt", storage_path = "not-a-valid-url", fetch_mode = "http_url" }),
            _kit.Message(tenantId, "missing", new { filename = "nonexistent.txt", storage_path = missing, fetch_mode = "http_url" }));

        Assert.Equal("Attachment fetch failed for 'test.txt': invalid URL 'not-a-valid-url'",
            (await AttachmentTestKit.SettledAsync(tenant, tenantId, "invalid")).Error);
        Assert.Equal($"Attachment fetch failed for 'nonexistent.txt': HTTP 404 Not Found from {missing}",
            (await AttachmentTestKit.SettledAsync(tenant, tenantId, "missing")).Error);
    }

    [Fact]
    public async Task Endpoint_mode_posts_the_storage_path_with_the_tenants_auth_and_http_url_sends_the_attachments_own_auth()
    {
        var tenantId = NewId("att-end");
        using var tenant = await _kit.TenantAsync(tenantId, new
        {
            client_base_url = _kit.EchoUrl,
            client_auth = new { method = "bearer", token = $"tok-{tenantId}" },
        });
        var document = AttachmentTestKit.RandomBytes(20_000);
        var photo = AttachmentTestKit.RandomBytes(30_000);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("cdn-user:cdn-pass"));
        await _kit.ServeAsync($"{tenantId}/doc-7", document, requiredAuthorization: $"Bearer tok-{tenantId}");
        var photoUrl = await _kit.ServeAsync($"{tenantId}/photo.jpg", photo, requiredAuthorization: basic);

        // No fetch_mode: a path that is neither base64:, http(s):// nor /… is the tenant's endpoint.
        var message = _kit.Message(tenantId, "endpoint",
            new { filename = "invoice.pdf", storage_path = $"{tenantId}/doc-7" },
            new { filename = "photo.jpg", storage_path = photoUrl, auth = new { method = "basic", user = "cdn-user", password = "cdn-pass" } });
        await AttachmentTestKit.EnqueueAsync(tenant, message);

        var received = AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message));
        Assert.Equal(document, received["invoice.pdf"]);
        Assert.Equal(photo, received["photo.jpg"]);
        var post = Assert.Single(await _kit.RequestsAsync("/mail-proxy/attachments"), r => r.GetProperty("body").GetString()!.Contains(tenantId, StringComparison.Ordinal));
        Assert.Equal("POST", post.GetProperty("method").GetString());
        Assert.Equal($"Bearer tok-{tenantId}", post.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal($"{tenantId}/doc-7", JsonDocument.Parse(post.GetProperty("body").GetString()!).RootElement.GetProperty("storage_path").GetString());
    }

    [Fact]
    public async Task A_fetch_refused_by_the_tenant_endpoint_ends_in_error_with_the_status()
    {
        var tenantId = NewId("att-401");
        using var tenant = await _kit.TenantAsync(tenantId, new { client_base_url = _kit.EchoUrl, client_auth = new { method = "bearer", token = "wrong" } });
        await _kit.ServeAsync($"{tenantId}/doc", [1], requiredAuthorization: "Bearer right");
        await AttachmentTestKit.EnqueueAsync(tenant, _kit.Message(tenantId, "refused", new { filename = "doc.pdf", storage_path = $"{tenantId}/doc", fetch_mode = "endpoint" }));

        Assert.Equal($"Attachment fetch failed for 'doc.pdf': HTTP 401 Unauthorized from {_kit.EchoUrl}/mail-proxy/attachments",
            (await AttachmentTestKit.SettledAsync(tenant, tenantId, "refused")).Error);
    }

    // catalog: S06
    [Fact]
    public async Task Filesystem_attachments_come_only_from_below_the_root_traversal_absolute_escapes_and_symlinks_out_are_refused()
    {
        var tenantId = NewId("att-fs");
        using var tenant = await _kit.TenantAsync(tenantId);
        var folder = Directory.CreateDirectory(Path.Combine(stack.AttachmentRoot, tenantId)).FullName;
        var inside = AttachmentTestKit.RandomBytes(10_000);
        await File.WriteAllBytesAsync(Path.Combine(folder, "inside.bin"), inside, Cancellation);
        // A secret just outside the root, and a link inside the root pointing at it.
        var outsideFile = Path.Combine(Path.GetDirectoryName(stack.AttachmentRoot)!, $"secret-{tenantId}.txt");
        await File.WriteAllTextAsync(outsideFile, "secret", Cancellation);
        File.CreateSymbolicLink(Path.Combine(folder, "link.txt"), outsideFile);
        Directory.CreateSymbolicLink(Path.Combine(folder, "dir-link"), Path.GetDirectoryName(stack.AttachmentRoot)!);
        try
        {
            var absolute = _kit.Message(tenantId, "absolute", new { filename = "inside.bin", storage_path = Path.Combine(folder, "inside.bin") });
            var relative = _kit.Message(tenantId, "relative", new { filename = "inside.bin", storage_path = $"{tenantId}/inside.bin", fetch_mode = "filesystem" });
            var refused = new Dictionary<string, string>
            {
                ["traversal"] = $"{tenantId}/../../secret-{tenantId}.txt",
                ["escape"] = outsideFile,
                ["etc"] = "/etc/passwd",
                ["symlink"] = Path.Combine(folder, "link.txt"),
                ["dirlink"] = $"{tenantId}/dir-link/secret-{tenantId}.txt",
            };
            await AttachmentTestKit.EnqueueAsync(tenant, [absolute, relative,
                .. refused.Select(r => _kit.Message(tenantId, r.Key, new { filename = "secret.txt", storage_path = r.Value, fetch_mode = "filesystem" }))]);

            Assert.Equal(inside, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(absolute))["inside.bin"]);
            Assert.Equal(inside, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(relative))["inside.bin"]);
            foreach (var (id, path) in refused)
            {
                var record = await AttachmentTestKit.SettledAsync(tenant, tenantId, id);
                Assert.Equal($"Attachment fetch failed for 'secret.txt': path '{path}' is outside the attachment root", record.Error);
            }
        }
        finally
        {
            File.Delete(outsideFile);
        }
    }

    [Fact]
    public async Task The_same_file_in_many_messages_is_fetched_once_by_content_md5_or_filename_marker()
    {
        var tenantId = NewId("att-md5");
        using var tenant = await _kit.TenantAsync(tenantId);
        var logo = AttachmentTestKit.RandomBytes(40_000);
        var big = AttachmentTestKit.RandomBytes(600_000);
        var logoUrl = await _kit.ServeAsync($"{tenantId}/logo.png", logo);
        var bigUrl = await _kit.ServeAsync($"{tenantId}/big.bin", big);
        var byField = Enumerable.Range(0, 20).Select(i => _kit.Message(tenantId, $"field-{i}", new { filename = "big.bin", storage_path = bigUrl, content_md5 = AttachmentTestKit.Md5(big) })).ToList();
        var byMarker = Enumerable.Range(0, 5).Select(i => _kit.Message(tenantId, $"marker-{i}", new { filename = $"logo_{{MD5:{AttachmentTestKit.Md5(logo)}}}.png", storage_path = logoUrl })).ToList();
        await AttachmentTestKit.EnqueueAsync(tenant, [.. byField, .. byMarker]);

        foreach (var message in byField)
        {
            Assert.Equal(big, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message))["big.bin"]);
        }

        foreach (var message in byMarker)
        {
            // The marker is a cache key, not part of the name.
            Assert.Equal(logo, AttachmentTestKit.Attachments(await _kit.DeliveredAsync(message))["logo.png"]);
        }

        Assert.Equal(2, (await _kit.FetchStatsAsync(tenantId)).Requests);
    }

    [Fact]
    public async Task A_content_md5_that_does_not_match_the_bytes_ends_the_message_in_error()
    {
        var tenantId = NewId("att-bad-md5");
        using var tenant = await _kit.TenantAsync(tenantId);
        var url = await _kit.ServeAsync($"{tenantId}/file.txt", "actual bytes"u8.ToArray());
        var claimed = AttachmentTestKit.Md5("other bytes"u8.ToArray());
        await AttachmentTestKit.EnqueueAsync(tenant, _kit.Message(tenantId, "mismatch", new { filename = "file.txt", storage_path = url, content_md5 = claimed }));

        Assert.Equal($"Attachment fetch failed for 'file.txt': MD5 mismatch (content_md5 {claimed}, received {AttachmentTestKit.Md5("actual bytes"u8.ToArray())})",
            (await AttachmentTestKit.SettledAsync(tenant, tenantId, "mismatch")).Error);
    }

    [Fact]
    public async Task An_unknown_fetch_mode_or_malformed_base64_is_rejected_at_enqueue_naming_the_attachment()
    {
        var tenantId = NewId("att-enq");
        using var tenant = await _kit.TenantAsync(tenantId);
        var response = await AttachmentTestKit.EnqueueAsync(tenant,
            _kit.Message(tenantId, "ok", new { filename = "a.txt", storage_path = "base64:" + Convert.ToBase64String("fine"u8) }),
            _kit.Message(tenantId, "mode", new { filename = "b.txt", storage_path = "x", fetch_mode = "ftp" }),
            _kit.Message(tenantId, "b64", new { filename = "c.txt", storage_path = "base64:not*base64!" }));

        Assert.Equal(1, response.GetProperty("queued").GetInt32());
        var reasons = response.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("reason").GetString());
        Assert.Equal("invalid attachments: attachment 'b.txt': unknown fetch_mode 'ftp' (base64, http_url, endpoint or filesystem)", reasons["mode"]);
        Assert.Equal("invalid attachments: attachment 'c.txt': storage_path is not valid base64", reasons["b64"]);
        Assert.Equal(2, reasons.Count);
    }
}
