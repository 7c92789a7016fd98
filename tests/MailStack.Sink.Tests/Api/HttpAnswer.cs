using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MailStack.Sink.Tests.Api;

/// <summary>One HTTP answer, read whole: what the compatibility tests compare with Mailpit's and MailHog's.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string? ContentType, string? ContentDisposition, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public string? MediaType => ContentType?.Split(';')[0].Trim();

    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("empty JSON body");

    public static async Task<HttpAnswer> SendAsync(HttpClient http, HttpMethod method, string url, string? jsonBody = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, SinkTestKit.Cancellation);
        return new HttpAnswer(
            response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            response.Content.Headers.TryGetValues("Content-Disposition", out var disposition) ? string.Join(", ", disposition) : null,
            await response.Content.ReadAsByteArrayAsync(SinkTestKit.Cancellation));
    }

    public static Task<HttpAnswer> GetAsync(HttpClient http, string url) => SendAsync(http, HttpMethod.Get, url);

    /// <summary>The same request made by curl, a client that is not .NET's.</summary>
    public static async Task<HttpAnswer> CurlAsync(Uri baseUri, string method, string path, string? jsonBody = null)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}\n%{content_type}", new Uri(baseUri, path).ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        if (jsonBody is not null)
        {
            foreach (var argument in new[] { "-H", "Content-Type: application/json", "--data-binary", "@-" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(jsonBody ?? "");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(SinkTestKit.Cancellation);
        var error = await process.StandardError.ReadToEndAsync(SinkTestKit.Cancellation);
        await process.WaitForExitAsync(SinkTestKit.Cancellation);
        Assert.True(process.ExitCode == 0, $"curl failed ({process.ExitCode}): {error}");

        var lines = output.Split('\n');
        var body = string.Join('\n', lines[..^2]);
        return new HttpAnswer((HttpStatusCode)int.Parse(lines[^2], System.Globalization.CultureInfo.InvariantCulture), lines[^1], null, Encoding.UTF8.GetBytes(body));
    }
}
