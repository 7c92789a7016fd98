using System.Security.Cryptography;
using Microsoft.Playwright;
using MimeKit;
using static MailStack.Testing.SinkTestKit;
using static Microsoft.Playwright.Assertions;

namespace MailStack.Sink.Tests.Ui;

/// <summary>The web UI at <c>/</c> in a real browser (Debian's chromium-headless-shell through Playwright), against in-process sinks.</summary>
public sealed class SinkUiTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>A 2×2 red PNG, to check that inline images really render (natural size &gt; 0).</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");

    private static MimeMessage HtmlMessage(string to, string subject, string html, Action<BodyBuilder>? extra = null)
    {
        var message = NewMessage(to, subject);
        var body = new BodyBuilder { HtmlBody = html, TextBody = $"{subject} as text" };
        extra?.Invoke(body);
        message.Body = body.ToMessageBody();
        return message;
    }

    [Fact]
    public async Task Mail_sent_over_smtp_appears_in_the_open_list_without_reload()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        await Expect(ui.Page.Locator("#messages")).ToContainTextAsync("No messages yet");

        var message = NewMessage("Live Reader <live@example.test>", "Arrives live", "the snippet of a live mail", from: "Sender Name <sender@example.test>");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "the snippet of a live mail" },
            new MimePart("application", "octet-stream") { FileName = "report.bin", Content = new MimeContent(new MemoryStream(new byte[1000])) },
        };
        await ui.SendAsync(message);

        var row = ui.Row("Arrives live");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bunread\b"));
        await Expect(row.Locator(".from")).ToHaveTextAsync("Sender Name");
        await Expect(row.Locator(".to")).ToHaveTextAsync("to Live Reader <live@example.test>");
        await Expect(row.Locator(".snippet")).ToContainTextAsync("the snippet of a live mail");
        await Expect(row.Locator(".attachment")).ToHaveAttributeAsync("title", "1 attachment");
        await Expect(row.Locator(".size")).ToContainTextAsync("kB");
        await Expect(ui.Page.Locator("#list-summary")).ToHaveTextAsync("1 message · 1 unread");

        await ui.SendAsync(NewMessage("live@example.test", "Second live mail"));
        await Expect(ui.Rows).ToHaveCountAsync(2);
        await Expect(ui.Rows.First).ToContainTextAsync("Second live mail");
        await ui.ScreenshotAsync("list-live");
        Assert.Empty(ui.Dialogs);
    }

    [Fact]
    public async Task Search_box_narrows_the_list_with_the_sink_query_language()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        await ui.SendAsync(NewMessage("a@example.test", "Invoice 1001"));
        await ui.SendAsync(NewMessage("b@example.test", "Welcome aboard"));
        await ui.SendAsync(NewMessage("c@example.test", "Invoice 1002"));
        await Expect(ui.Rows).ToHaveCountAsync(3);

        await ui.Page.FillAsync("#search", "subject:invoice -to:c@example.test");
        await ui.Page.PressAsync("#search", "Enter");

        await Expect(ui.Rows).ToHaveCountAsync(1);
        await Expect(ui.Rows.First).ToContainTextAsync("Invoice 1001");
        await Expect(ui.Page.Locator("#list-summary")).ToHaveTextAsync("1 matching · 1 unread");
        Assert.Contains("query=subject%3Ainvoice", ui.Page.Url, StringComparison.Ordinal);

        // A malformed filter is a clear message, not a broken page.
        await ui.Page.FillAsync("#search", "before:notadate");
        await ui.Page.PressAsync("#search", "Enter");
        await Expect(ui.Page.Locator("#list-error")).ToBeVisibleAsync();
        await ui.ScreenshotAsync("search");
    }

    [Fact]
    public async Task Sidebar_lists_every_recipient_with_counts_and_filters_to_one()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        await ui.SendAsync(NewMessage("alice@example.test", "For Alice 1"));
        await ui.SendAsync(NewMessage("alice@example.test", "For Alice 2"));
        await ui.SendAsync(NewMessage("malice@example.test", "For Malice"));
        var bob = NewMessage("bob@example.test", "For Bob and Alice");
        bob.Cc.Add(MailboxAddress.Parse("alice@example.test"));
        await ui.SendAsync(bob);

        var mailboxes = ui.Page.Locator("#mailboxes .mailbox");
        await Expect(mailboxes).ToHaveTextAsync(["All mail4", "alice@example.test3/3", "bob@example.test1/1", "malice@example.test1/1"]);

        await mailboxes.Filter(new() { HasText = "alice@example.test3" }).ClickAsync();
        await Expect(ui.Rows).ToHaveCountAsync(3);
        await Expect(ui.Page.Locator("#search")).ToHaveValueAsync("mailbox:alice@example.test");
        await Expect(ui.Page.Locator("#messages")).Not.ToContainTextAsync("For Malice");

        await mailboxes.Filter(new() { HasText = "bob@example.test" }).ClickAsync();
        await Expect(ui.Rows).ToHaveCountAsync(1);
        await Expect(ui.Rows.First).ToContainTextAsync("For Bob and Alice");

        var api = await ui.GetJsonAsync("api/v1/mailboxes");
        Assert.Equal(
            ["alice@example.test 3 3", "bob@example.test 1 1", "malice@example.test 1 1"],
            api.EnumerateArray().Select(m => $"{m.GetProperty("Address").GetString()} {m.GetProperty("Total").GetInt32()} {m.GetProperty("Unread").GetInt32()}"));
        await ui.ScreenshotAsync("mailbox-filter");
    }

    [Fact]
    public async Task Html_tab_renders_the_message_and_runs_none_of_its_scripts()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        await ui.SendAsync(HtmlMessage("xss@example.test", "Hostile HTML",
            "<html><body><script>alert(1);console.log('script ran')</script>"
            + "<h1 style=\"color:#1f6feb\">Rendered heading</h1>"
            + "<img src=x onerror=alert(2)>"
            + "<p onclick=\"alert(3)\">Click me</p>"
            + "<a href=\"javascript:alert(4)\">a javascript link</a>"
            + "<svg><script>alert(5)</script></svg></body></html>"));

        await ui.Row("Hostile HTML").ClickAsync();
        var frame = ui.Page.FrameLocator("#tab-panel iframe.html-body");
        await Expect(frame.Locator("h1")).ToHaveTextAsync("Rendered heading");
        await Expect(frame.Locator("h1")).ToHaveCSSAsync("color", "rgb(31, 111, 235)");
        await frame.Locator("p").ClickAsync();
        await frame.Locator("a").ClickAsync();

        var sandbox = await ui.Page.Locator("iframe.html-body").GetAttributeAsync("sandbox");
        Assert.NotNull(sandbox);
        Assert.DoesNotContain("allow-scripts", sandbox, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-same-origin", sandbox, StringComparison.Ordinal);
        // Everything the page did is in: the row shows read only after the message has loaded.
        await Expect(ui.Row("Hostile HTML")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bunread\b"));
        await ui.ScreenshotAsync("html-hostile");
        Assert.Empty(ui.Dialogs);
        Assert.True(ui.Console.Count == 0, string.Join("\n", ui.Console));
    }

    [Fact]
    public async Task Remote_content_is_blocked_until_the_user_asks_for_it()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        await using var remote = RemoteImageServer.Start(Png);
        await ui.SendAsync(HtmlMessage("remote@example.test", "Tracking pixel", $"<p>Newsletter</p><img id=pixel alt=pixel src=\"{remote.ImageUrl}\">"));

        await ui.Row("Tracking pixel").ClickAsync();
        var frame = ui.Page.FrameLocator("iframe.html-body");
        await Expect(frame.Locator("p")).ToHaveTextAsync("Newsletter");
        await Expect(ui.Page.Locator(".remote-notice")).ToContainTextAsync("1 remote resource blocked");
        await Eventually.NeverAsync(_ => Task.FromResult(remote.Requests > 0), TimeSpan.FromSeconds(1), "a request for the blocked remote image");

        await ui.Page.ClickAsync("text=Load remote content");
        await Expect(frame.Locator("#pixel")).ToHaveJSPropertyAsync("naturalWidth", 2);
        Assert.Equal(1, remote.Requests);
        await Expect(ui.Page.Locator(".remote-notice")).ToHaveCountAsync(0);
        Assert.True(ui.Console.Count == 0, string.Join("\n", ui.Console));
    }

    [Fact]
    public async Task Attachment_downloads_with_equal_bytes_and_inline_image_shows()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        var bytes = RandomNumberGenerator.GetBytes(50_000);
        await ui.SendAsync(HtmlMessage("files@example.test", "With files", "<p>Logo:</p><img id=logo src=\"cid:logo@mailstack\">", body =>
        {
            body.Attachments.Add("data.bin", bytes, new ContentType("application", "octet-stream"));
            var logo = body.LinkedResources.Add("logo.png", Png, new ContentType("image", "png"));
            logo.ContentId = "logo@mailstack";
        }));

        await ui.Row("With files").ClickAsync();
        var logoInHtml = ui.Page.FrameLocator("iframe.html-body").Locator("#logo");
        await Expect(logoInHtml).ToBeVisibleAsync();
        await Expect(logoInHtml).ToHaveJSPropertyAsync("naturalWidth", 2);

        await ui.Page.ClickAsync("[role=tab][data-tab=attachments]");
        await Expect(ui.Page.Locator("[data-tab=attachments]")).ToHaveTextAsync("Attachments (2)");
        await Expect(ui.Page.Locator(".attachments img.thumb")).ToHaveJSPropertyAsync("naturalWidth", 2);
        var download = await ui.Page.RunAndWaitForDownloadAsync(() => ui.Page.ClickAsync(".attachments a.download:text-is('data.bin')"));
        Assert.Equal("data.bin", download.SuggestedFilename);
        var path = await download.PathAsync();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path, Cancellation));
        await ui.ScreenshotAsync("attachments");
    }

    [Fact]
    public async Task Text_headers_and_raw_tabs_show_the_stored_message()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        var message = HtmlMessage("tabs@example.test", "Tabbed view", "<p>html body</p>");
        message.Headers.Add("X-Test-Header", "tab-check-42");
        var reply = await ui.SendAsync(message);
        var id = reply.Split(' ').Last();

        await ui.Row("Tabbed view").ClickAsync();
        await ui.Page.ClickAsync("[data-tab=text]");
        await Expect(ui.Page.Locator("pre.text-body")).ToHaveTextAsync("Tabbed view as text");
        await ui.Page.ClickAsync("[data-tab=headers]");
        await Expect(ui.Page.Locator("table.headers tr", new() { HasText = "X-Test-Header" }).Locator("td")).ToHaveTextAsync("tab-check-42");
        await ui.Page.ClickAsync("[data-tab=raw]");
        using var raw = await ui.Api.GetAsync($"api/v1/message/{id}/raw", Cancellation);
        var rawText = await raw.Content.ReadAsStringAsync(Cancellation);
        await Expect(ui.Page.Locator("pre.raw-source")).ToHaveTextAsync(rawText.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_and_mark_read_in_the_ui_agree_with_the_api()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser);
        var keepId = (await ui.SendAsync(NewMessage("rw@example.test", "Keep me"))).Split(' ').Last();
        var dropId = (await ui.SendAsync(NewMessage("rw@example.test", "Delete me"))).Split(' ').Last();
        await ui.SendAsync(NewMessage("other@example.test", "Matched by search 1"));
        await ui.SendAsync(NewMessage("other@example.test", "Matched by search 2"));
        await Expect(ui.Rows).ToHaveCountAsync(4);

        // Opening marks read (as Mailpit); "Mark unread" undoes it.
        await ui.Row("Keep me").ClickAsync();
        await Expect(ui.Page.Locator("#message-header .subject")).ToHaveTextAsync("Keep me");
        await Expect(ui.Row("Keep me")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bunread\b"));
        Assert.True((await ui.GetJsonAsync($"api/v1/search?query=subject:%22Keep me%22")).GetProperty("messages")[0].GetProperty("Read").GetBoolean());
        await ui.Page.ClickAsync("#toggle-read");
        await Expect(ui.Page.Locator("#toggle-read")).ToHaveTextAsync("Mark read");
        await Expect(ui.Row("Keep me")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bunread\b"));
        Assert.False((await ui.GetJsonAsync("api/v1/search?query=subject:%22Keep me%22")).GetProperty("messages")[0].GetProperty("Read").GetBoolean());

        await ui.Page.ClickAsync("#mark-all-read");
        await Expect(ui.Page.Locator("#list-summary")).ToHaveTextAsync("4 messages · 0 unread");
        Assert.Equal(0, (await ui.GetJsonAsync("api/v1/messages")).GetProperty("unread").GetInt32());

        await ui.Row("Delete me").ClickAsync();
        await Expect(ui.Page.Locator("#message-header .subject")).ToHaveTextAsync("Delete me");
        await ui.Page.ClickAsync("#delete-message");
        await Expect(ui.Row("Delete me")).ToHaveCountAsync(0);
        await Expect(ui.Page.Locator("#message-pane")).ToBeHiddenAsync();
        using (var gone = await ui.Api.GetAsync($"api/v1/message/{dropId}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Delete what a search matches (after confirming), then everything.
        ui.Page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await ui.Page.FillAsync("#search", "subject:matched");
        await ui.Page.PressAsync("#search", "Enter");
        await Expect(ui.Rows).ToHaveCountAsync(2);
        await ui.Page.ClickAsync("#delete-matching");
        await Expect(ui.Page.Locator("#list-summary")).ToHaveTextAsync("0 matching · 0 unread");
        var left = await ui.GetJsonAsync("api/v1/messages");
        Assert.Equal([keepId], left.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("ID").GetString()));

        await ui.Page.ClickAsync("#delete-all");
        await Expect(ui.Page.Locator("#list-summary")).ToHaveTextAsync("0 matching · 0 unread");
        await Expect(ui.Page.Locator("#mailboxes .mailbox")).ToHaveCountAsync(1);
        Assert.Equal(0, (await ui.GetJsonAsync("api/v1/messages")).GetProperty("total").GetInt32());
        Assert.Equal(["confirm: Delete every message matching \"subject:matched\"?", "confirm: Delete every message in this sink?"], ui.Dialogs);
    }

    [Fact]
    public async Task Chaos_settings_show_what_is_active_and_edits_are_what_the_api_returns()
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser, configure: o => o.Chaos.Preset = "temp_fail");
        await Expect(ui.Page.Locator("#chaos-state")).ToHaveTextAsync("temp_fail");

        await ui.Page.ClickAsync("#chaos-open");
        var dialog = ui.Page.Locator("#chaos-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(ui.Page.Locator("#chaos-preset")).ToHaveValueAsync("temp_fail");
        await ui.Page.FillAsync("#Recipient-code", "452");
        await ui.Page.FillAsync("#Recipient-probability", "30");
        await ui.Page.SelectOptionAsync("#chaos-preset", "rate_limit");
        await ui.Page.FillAsync("#chaos-rate-limit", "3");
        await ui.Page.FillAsync("#chaos-seed", "42");
        await ui.Page.FillAsync("#chaos-rules", """[{"Stage":"mail","Code":421,"Text":"slow down","EveryNth":5}]""");
        await ui.ScreenshotAsync("chaos-dialog");
        await ui.Page.ClickAsync("#chaos-save");

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(ui.Page.Locator("#chaos-state")).ToHaveTextAsync("Recipient 452 @ 30%, rate_limit (3), 1 rule");
        var chaos = await ui.GetJsonAsync("api/v1/chaos");
        Assert.Equal(0, chaos.GetProperty("Sender").GetProperty("Probability").GetInt32());
        Assert.Equal(452, chaos.GetProperty("Recipient").GetProperty("ErrorCode").GetInt32());
        Assert.Equal(30, chaos.GetProperty("Recipient").GetProperty("Probability").GetInt32());
        Assert.Equal("rate_limit", chaos.GetProperty("Preset").GetString());
        Assert.Equal(3, chaos.GetProperty("RateLimit").GetInt32());
        Assert.Equal(42, chaos.GetProperty("Seed").GetInt32());
        var rule = Assert.Single(chaos.GetProperty("Rules").EnumerateArray());
        Assert.Equal(("mail", 421, "slow down", 5), (rule.GetProperty("Stage").GetString(), rule.GetProperty("Code").GetInt32(), rule.GetProperty("Text").GetString(), rule.GetProperty("EveryNth").GetInt32()));

        // A bad rules field is refused in the dialog; nothing is sent.
        await ui.Page.ClickAsync("#chaos-open");
        await ui.Page.FillAsync("#chaos-rules", "{not json");
        await ui.Page.ClickAsync("#chaos-save");
        await Expect(ui.Page.Locator("#chaos-error")).ToContainTextAsync("Rules must be a JSON array");
        await ui.Page.ClickAsync("#chaos-off");
        await Expect(ui.Page.Locator("#chaos-state")).ToHaveTextAsync("off");
        var off = await ui.GetJsonAsync("api/v1/chaos");
        Assert.Equal((0, 0, 0), (off.GetProperty("Rules").GetArrayLength(), off.GetProperty("Recipient").GetProperty("Probability").GetInt32(), off.GetProperty("Seed").ValueKind == JsonValueKind.Null ? 0 : 1));
    }

    [Theory]
    [InlineData(1280, 800, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task Layout_fits_the_window_without_horizontal_scrolling(int width, int height, string name)
    {
        await using var ui = await SinkPage.OpenAsync(browser.Browser, width, height);
        await ui.SendAsync(NewMessage("grace@example.test", "Welcome to MailStack", "Your account is ready. Confirm your address to start.", from: "Onboarding <hello@app.test>"));
        await ui.SendAsync(NewMessage("Grace Hopper <grace@example.test>", "Your password was changed", "If this was not you, reset it now.", from: "Security <security@app.test>"));
        await ui.SendAsync(HtmlMessage("Ada Lovelace <ada@example.test>", "Quarterly report with a rather long subject line that must not widen the page",
            "<div style=\"font-family:Georgia,serif;max-width:560px\"><h2 style=\"color:#0b5394\">Quarterly report</h2>"
            + "<p>Numbers are up. The summary is below; the details are in the attached spreadsheet.</p>"
            + "<table style=\"border-collapse:collapse\" border=\"1\" cellpadding=\"6\"><tr><th>Quarter</th><th>Orders</th><th>Revenue</th></tr>"
            + "<tr><td>Q1</td><td>1,204</td><td>€ 48,160</td></tr><tr><td>Q2</td><td>1,530</td><td>€ 61,200</td></tr></table>"
            + "<p><a href=\"https://example.test/report\" style=\"display:inline-block;background:#0b5394;color:#fff;padding:8px 14px;text-decoration:none;border-radius:4px\">Open the dashboard</a></p></div>",
            body => body.Attachments.Add("report.csv", "quarter,orders\nQ1,1204\nQ2,1530\n"u8.ToArray(), new ContentType("text", "csv"))));
        await Expect(ui.Rows).ToHaveCountAsync(3);
        await Expect(ui.Page.Locator("#mailboxes .mailbox")).ToHaveCountAsync(3);

        await ui.Row("Quarterly report").ClickAsync();
        await Expect(ui.Page.FrameLocator("iframe.html-body").Locator("h2")).ToHaveTextAsync("Quarterly report");
        Assert.True(await ui.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await Expect(ui.Page.Locator("#message-pane")).ToBeInViewportAsync();
        await ui.ScreenshotAsync($"layout-{name}");

        if (name == "phone")
        {
            // One pane at a time: the list comes back with "List"; the mailboxes slide in from the menu.
            await Expect(ui.Page.Locator("#list-pane")).ToBeHiddenAsync();
            await ui.Page.ClickAsync("#back");
            await Expect(ui.Page.Locator("#list-pane")).ToBeVisibleAsync();
            await ui.Page.ClickAsync("#menu-toggle");
            await Expect(ui.Page.Locator("#sidebar .mailbox", new() { HasText = "grace@example.test" })).ToBeInViewportAsync();
            await ui.Page.ClickAsync("#sidebar .mailbox:has-text('grace@example.test')");
            await Expect(ui.Rows).ToHaveCountAsync(2);
            await ui.ScreenshotAsync("layout-phone-list");
        }
        else
        {
            await Expect(ui.Page.Locator("#list-pane")).ToBeVisibleAsync();
            await Expect(ui.Page.Locator("#sidebar")).ToBeVisibleAsync();
        }
    }
}
