using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using MimeKit;

namespace MailStack.Tests.Proxy;

/// <summary>
/// What the attachment tests share: files served by an echo server (and what their fetches looked
/// like there), messages with attachments, the mail as the sink got it, and the object store.
/// </summary>
public sealed class AttachmentTestKit(StackFixture stack) : IDisposable
{
    private readonly HttpClient _echo = stack.App.CreateHttpClient("echo-tenant1", "http");

    public ProxyApi Proxy { get; } = new(stack);

    public MailSinkClient Sink { get; } = new(stack.App.GetEndpoint("sink-tenant1", "http"));

    /// <summary>The echo server's base URL, the tenant's <c>client_base_url</c> in these tests.</summary>
    public string EchoUrl { get; } = stack.App.GetEndpoint("echo-tenant1", "http").ToString().TrimEnd('/');

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

#pragma warning disable CA5351 // genro's content_md5 is MD5.
    public static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351

    /// <summary>Serves <paramref name="bytes"/> at <c>/files/{name}</c>; returns its URL.</summary>
    public async Task<string> ServeAsync(string name, byte[] bytes, int delayMilliseconds = 0, string? requiredAuthorization = null, int status = 200)
    {
        var query = $"?status={status}&delayMs={delayMilliseconds}" + (requiredAuthorization is null ? "" : $"&authorization={Uri.EscapeDataString(requiredAuthorization)}");
        using var put = await _echo.PutAsync($"/files/{name}{query}", new ByteArrayContent(bytes), ProxyApi.Cancellation);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ProxyApi.Cancellation));
        return $"{EchoUrl}/files/{name}";
    }

    /// <summary>How many fetches the files of <paramref name="folder"/> had, and the most at once.</summary>
    public async Task<(int Requests, int MaxInFlight)> FetchStatsAsync(string folder)
    {
        var stats = await _echo.GetFromJsonAsync<JsonElement>($"/files-stats?folder={Uri.EscapeDataString(folder)}", ProxyApi.Cancellation);
        return (stats.GetProperty("requests").GetInt32(), stats.GetProperty("max_in_flight").GetInt32());
    }

    /// <summary>The requests the echo server recorded under <paramref name="path"/>.</summary>
    public async Task<List<JsonElement>> RequestsAsync(string path)
    {
        var recorded = await _echo.GetFromJsonAsync<JsonElement>($"/requests?path={Uri.EscapeDataString(path)}", ProxyApi.Cancellation);
        return [.. recorded.GetProperty("requests").EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>A tenant reporting to the echo server, with <paramref name="extra"/> fields (client_auth, large_file_config…); returns its client.</summary>
    public async Task<HttpClient> TenantAsync(string tenantId, object? extra = null)
    {
        var key = await Proxy.CreateTenantAsync(tenantId);
        if (extra is not null)
        {
            using var admin = await Proxy.AdminAsync();
            using var update = await admin.PutAsJsonAsync($"/tenant/{tenantId}", extra, ProxyApi.Cancellation);
            Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync(ProxyApi.Cancellation));
        }

        return Proxy.Client(key);
    }

    /// <summary>An add-messages item for the tenant's account "main", to a fresh address of the sink.</summary>
    public Dictionary<string, object?> Message(string tenantId, string id, params object[] attachments) => new()
    {
        ["id"] = id,
        ["tenant_id"] = tenantId,
        ["account_id"] = "main",
        ["from"] = "App <app@example.test>",
        ["to"] = Sink.NewAddress(id),
        ["subject"] = $"attachments {id}",
        ["body"] = $"text of {id}",
        ["attachments"] = attachments,
    };

    public static async Task<JsonElement> EnqueueAsync(HttpClient tenant, params Dictionary<string, object?>[] messages)
    {
        using var response = await tenant.PostAsJsonAsync("/commands/add-messages", new { messages }, ProxyApi.Cancellation);
        var body = await ProxyApi.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    /// <summary>The mail sent for <paramref name="message"/>, parsed from the raw bytes the sink received.</summary>
    public async Task<MimeMessage> DeliveredAsync(Dictionary<string, object?> message)
    {
        var summary = await Sink.WaitForMessageAsync(MailSinkClient.To((string)message["to"]!), TimeSpan.FromSeconds(60), ProxyApi.Cancellation);
        using var raw = new MemoryStream(await Sink.GetRawAsync(summary.ID, ProxyApi.Cancellation));
        return await MimeMessage.LoadAsync(raw, ProxyApi.Cancellation);
    }

    /// <summary>Each attachment of <paramref name="mail"/> by file name, decoded.</summary>
    public static Dictionary<string, byte[]> Attachments(MimeMessage mail) => mail.Attachments.OfType<MimePart>().ToDictionary(p => p.FileName ?? "", p =>
    {
        using var bytes = new MemoryStream();
        p.Content!.DecodeTo(bytes);
        return bytes.ToArray();
    });

    /// <summary>Waits for the message's final status and returns its record with history.</summary>
    public static async Task<MessageRecord> SettledAsync(HttpClient tenant, string tenantId, string id) =>
        await ProxyApi.WaitForStatusAsync(tenant, tenantId, id, s => s is MessageStatus.Sent or MessageStatus.Error);

    /// <summary>An S3 client on the stack's object store, and its bucket.</summary>
    public async Task<(AmazonS3Client Client, string Bucket)> ObjectStoreAsync()
    {
        var settings = await stack.App.GetPartsAsync("objects", ProxyApi.Cancellation);
        var client = new AmazonS3Client(settings["AccessKey"], settings["SecretKey"], new AmazonS3Config
        {
            ServiceURL = settings["Endpoint"],
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        return (client, settings["Bucket"]);
    }

    public void Dispose()
    {
        _echo.Dispose();
        Sink.Dispose();
    }
}
