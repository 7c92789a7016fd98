using MailStack.Sink.Hosting;
using Microsoft.Playwright;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Ui;

/// <summary>
/// An in-process sink with its UI open in a fresh browser context. Records every dialog and
/// console message the page (and its frames) produce, and saves screenshots as test artifacts.
/// </summary>
public sealed class SinkPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private SinkPage(MailSink sink, IBrowserContext context, IPage page)
    {
        Sink = sink;
        _context = context;
        Page = page;
        Api = new HttpClient { BaseAddress = sink.ApiUri };
        page.Console += (_, message) => Console.Add($"{message.Type}: {message.Text}");
        page.Dialog += (_, dialog) => Dialogs.Add($"{dialog.Type}: {dialog.Message}");
    }

    public MailSink Sink { get; }

    public IPage Page { get; }

    public HttpClient Api { get; }

    public List<string> Console { get; } = [];

    public List<string> Dialogs { get; } = [];

    /// <summary>Folder of the screenshots (bin/…/ui-screenshots), also attached to the test result.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "ui-screenshots");

    public ILocator Rows => Page.Locator("#messages li.message");

    public static async Task<SinkPage> OpenAsync(IBrowser browser, int width = 1280, int height = 800, Action<MailSinkOptions>? configure = null)
    {
        var sink = await StartSinkAsync(configure);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        var sinkPage = new SinkPage(sink, context, page);
        await page.GotoAsync(sink.ApiUri.ToString());
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "on");
        return sinkPage;
    }

    public ILocator Row(string subject) => Rows.Filter(new LocatorFilterOptions { HasText = subject });

    public Task<string> SendAsync(MimeKit.MimeMessage message) => SinkTestKit.SendAsync(Sink, message);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(path, Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        TestContext.Current.AddAttachment(name, png, "image/png");
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _context.CloseAsync();
        await Sink.DisposeAsync();
    }
}
