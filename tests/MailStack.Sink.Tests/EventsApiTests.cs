using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

public sealed class EventsApiTests
{
    [Fact]
    public async Task Events_stream_sends_new_and_delete_frames()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        Assert.Equal(": connected", await reader.ReadLineAsync(Cancellation));

        await SendAsync(sink, NewMessage("events@example.test", "streamed"));
        var (type, data) = await ReadFrameAsync(reader);
        Assert.Equal("new", type);
        Assert.Equal("new", data.GetProperty("Type").GetString());
        Assert.Equal("streamed", data.GetProperty("Data").GetProperty("Subject").GetString());
        var id = data.GetProperty("Data").GetProperty("ID").GetString()!;

        sink.Store.Delete([id]);
        (type, data) = await ReadFrameAsync(reader);
        Assert.Equal("delete", type);
        Assert.Equal(id, data.GetProperty("Data").GetProperty("IDs")[0].GetString());
    }

    internal static async Task<(string Type, JsonElement Data)> ReadFrameAsync(StreamReader reader)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        string? type = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return (type!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
            }
        }

        throw new EndOfStreamException("the events stream ended");
    }
}
