using System.Net.Http.Json;
using MailKit.Net.Imap;
using MailKit.Security;
using MailStack.Sink.Hosting;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Imap;

/// <summary>MailKit IMAP clients for the in-process sink; each trusts exactly the sink's certificate.</summary>
internal static class ImapTestKit
{
    public static async Task<ImapClient> ConnectImapAsync(MailSink sink, SecureSocketOptions security = SecureSocketOptions.None, int? port = null)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = TrustOnly(sink), Timeout = 15_000 };
        await client.ConnectAsync(sink.Host, port ?? sink.ImapPort, security, Cancellation);
        return client;
    }

    public static async Task<ImapClient> LoginAsync(MailSink sink, string user, string password = "any", SecureSocketOptions security = SecureSocketOptions.None, int? port = null)
    {
        var client = await ConnectImapAsync(sink, security, port);
        await client.AuthenticateAsync(user, password, Cancellation);
        return client;
    }

    /// <summary>PUT /api/v1/messages {IDs, Read}: the API side of the shared read state.</summary>
    public static async Task SetReadAsync(MailSink sink, string id, bool read)
    {
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var response = await http.PutAsJsonAsync("api/v1/messages", new { IDs = new[] { id }, Read = read }, Cancellation);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>DELETE /api/v1/messages {IDs}.</summary>
    public static async Task DeleteMessagesAsync(MailSink sink, params string[] ids)
    {
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/v1/messages") { Content = JsonContent.Create(new { IDs = ids }) };
        using var response = await http.SendAsync(request, Cancellation);
        response.EnsureSuccessStatusCode();
    }
}
