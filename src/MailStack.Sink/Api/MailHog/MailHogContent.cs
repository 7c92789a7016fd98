using System.Text.Json.Serialization;

namespace MailStack.Sink.Api.MailHog;

/// <summary>
/// MailHog's <c>data.Content</c>, parsed as MailHog parses it: headers up to the first blank line,
/// one value per name (a repeated header keeps its last value), folded lines joined as they are,
/// lines without ": " dropped; multipart bodies split at their boundary into parts.
/// </summary>
internal sealed class MailHogContent
{
    public required Dictionary<string, List<string>> Headers { get; init; }

    public required string Body { get; init; }

    public required int Size { get; init; }

    [JsonPropertyName("MIME")]
    public MailHogMime? Mime { get; set; }

    [JsonIgnore]
    public bool IsMime => Headers.TryGetValue("Content-Type", out var type) && type[0].StartsWith("multipart/", StringComparison.Ordinal);

    public static MailHogContent Parse(string data)
    {
        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var split = data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return new MailHogContent { Headers = headers, Body = data, Size = data.Length };
        }

        var last = "";
        foreach (var line in data[..split].Split("\r\n"))
        {
            var separator = line.IndexOf(": ", StringComparison.Ordinal);
            if (last.Length > 0 && (line.StartsWith(' ') || line.StartsWith('\t')))
            {
                headers[last][^1] += line;
            }
            else if (separator >= 0)
            {
                last = line[..separator];
                headers[last] = [line[(separator + 2)..]];
            }
        }

        return new MailHogContent { Headers = headers, Body = data[(split + 4)..], Size = data.Length };
    }

    /// <summary>The parts between the boundaries (preamble and closing "--" included, as MailHog shows them).</summary>
    public MailHogMime ParseMime()
    {
        var parts = new List<MailHogContent>();
        var boundary = Boundary(Headers["Content-Type"][0]);
        if (boundary.Length > 0)
        {
            foreach (var segment in Body.Split("--" + boundary))
            {
                if (segment.Length == 0)
                {
                    continue;
                }

                var part = Parse(segment.Trim('\r', '\n'));
                if (part.IsMime)
                {
                    part.Mime = part.ParseMime();
                }

                parts.Add(part);
            }
        }

        return new MailHogMime(parts);
    }

    private static string Boundary(string contentType) =>
        MimeKit.ContentType.TryParse(contentType, out var type) ? type.Boundary ?? "" : "";
}
