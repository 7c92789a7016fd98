using System.Diagnostics;
using System.Globalization;
using MailKit.Net.Smtp;
using MailStack.Sink.Hosting;
using MailStack.Sink.Tests.Ui;
using Microsoft.Playwright;
using MimeKit;

// Usage: dotnet run -c Release --project bench/ui -- [messages=10000] [list-requests=1000] [page-loads=10]
var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var listRequests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var pageLoads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;

var options = new MailSinkOptions();
options.Store.MaxMessages = messages;
options.Smtp.EnableTls = false;
await using var sink = await MailSink.StartAsync(options);
Console.WriteLine($"sink: SMTP {sink.SmtpEndPoint}, HTTP {sink.ApiUri}");

// Load over real SMTP: 4 connections, one message per transaction, varied senders, recipients and sizes.
var load = Stopwatch.StartNew();
const int Connections = 4;
await Parallel.ForAsync(0, Connections, async (connection, cancellation) =>
{
    using var client = new SmtpClient();
    await client.ConnectAsync(sink.Host, sink.SmtpPort, MailKit.Security.SecureSocketOptions.None, cancellation);
    for (var i = connection; i < messages; i += Connections)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Sender {i % 37}", $"sender{i % 37}@example.test"));
        message.To.Add(new MailboxAddress($"User {i % 200}", $"user{i % 200}@example.test"));
        message.Subject = $"Bench message {i:D5}: order confirmation #{i * 7919 % 100_000}";
        var body = new BodyBuilder
        {
            TextBody = $"Hello User {i % 200},\n\nyour order {i} has shipped.\n" + new string('x', 200 + (i % 10) * 100),
            HtmlBody = $"<h1>Order {i}</h1><p>Your order has shipped.</p>",
        };
        if (i % 10 == 0)
        {
            body.Attachments.Add($"invoice-{i}.txt", System.Text.Encoding.UTF8.GetBytes($"invoice {i}"));
        }

        message.Body = body.ToMessageBody();
        await client.SendAsync(message, cancellation);
    }

    await client.DisconnectAsync(true, cancellation);
});
Console.WriteLine($"loaded {sink.Store.Count} messages over SMTP in {load.Elapsed.TotalSeconds:0.0} s");

// List API latency at this size: the UI's first page, sequential requests after a warm-up.
using var http = new HttpClient { BaseAddress = sink.ApiUri };
async Task<double[]> TimeAsync(string path, int count)
{
    for (var i = 0; i < 20; i++)
    {
        (await http.GetAsync(path)).Dispose();
    }

    var samples = new double[count];
    for (var i = 0; i < count; i++)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    Array.Sort(samples);
    return samples;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
static string Stats(double[] sorted) =>
    $"p50 {Percentile(sorted, 50):0.00} ms, p99 {Percentile(sorted, 99):0.00} ms, max {sorted[^1]:0.00} ms (n={sorted.Length})";

foreach (var path in new[] { "api/v1/messages?start=0&limit=50", "api/v1/messages?start=5000&limit=50", "api/v1/search?query=to:user7@example.test&limit=50", "api/v1/mailboxes" })
{
    Console.WriteLine($"GET /{path}: {Stats(await TimeAsync(path, listRequests))}");
}

// The UI in chromium: navigation start → the frame that paints the first page of rows (the page's own
// `list-rendered` mark, so Playwright's polling is not counted), and click → message shown.
using var playwright = await Playwright.CreateAsync();
await using var browser = await SystemChromium.LaunchAsync(playwright);
var firstRender = new double[pageLoads];
var open = new double[pageLoads];
var domContentLoaded = new double[pageLoads];
for (var i = 0; i < pageLoads; i++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
    var page = await context.NewPageAsync();
    await page.GotoAsync(sink.ApiUri.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    await page.WaitForSelectorAsync("#messages li.message");
    firstRender[i] = await page.EvaluateAsync<double>("performance.getEntriesByName('list-rendered')[0].startTime");
    domContentLoaded[i] = await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd");

    var row = page.Locator("#messages li.message").Nth(i);
    var subject = (await row.Locator(".subject").TextContentAsync())!;
    var started = Stopwatch.GetTimestamp();
    await row.ClickAsync();
    await Assertions.Expect(page.Locator("#message-header .subject")).ToHaveTextAsync(subject);
    await page.FrameLocator("iframe.html-body").Locator("h1").WaitForAsync();
    open[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

Array.Sort(firstRender);
Array.Sort(open);
Array.Sort(domContentLoaded);
Console.WriteLine($"UI DOMContentLoaded (navigation start → modules run): {Stats(domContentLoaded)}");
Console.WriteLine($"UI first list render (navigation start → frame painting the first rows): {Stats(firstRender)}");
Console.WriteLine($"UI open a message (click → header and HTML shown): {Stats(open)}");
