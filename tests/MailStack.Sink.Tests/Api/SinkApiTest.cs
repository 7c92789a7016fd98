using MailStack.Sink.Hosting;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary>A fresh in-process sink and an HTTP client for its API, per test.</summary>
public abstract class SinkApiTest : IAsyncLifetime
{
    protected MailSink Sink { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Sink = await StartSinkAsync();
        Http = new HttpClient { BaseAddress = Sink.ApiUri, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sink.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
