using System.Net.Sockets;
using MailStack.Sink.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary><c>GET /api/v1/message/{ID}/link-check</c> against a loopback web server: statuses, redirects, blocking.</summary>
public sealed class LinkCheckApiTests : IAsyncLifetime
{
    private WebApplication _web = null!;
    private string _base = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _web = builder.Build();
        _web.MapMethods("/ok", ["HEAD"], () => Results.Ok());
        _web.MapMethods("/gone", ["HEAD"], () => Results.StatusCode(410));
        _web.MapMethods("/moved", ["HEAD"], () => Results.Redirect("/ok"));
        _web.MapMethods("/hop/{n:int}", ["HEAD"], (int n) => Results.Redirect(n == 0 ? "/ok" : $"/hop/{n - 1}"));
        await _web.StartAsync(Cancellation);
        _base = _web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();

    [Fact]
    public async Task Links_are_checked_with_head_requests_and_redirects_followed_on_request()
    {
        await using var sink = await StartSinkAsync(o => o.LinkCheck.AllowInternalRequests = true);
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        var html = $"""<p><a href="{_base}/ok">ok</a> <a href='{_base}/gone'>gone</a> <img src="{_base}/moved"> <a href="mailto:x@example.test">mail</a></p>""";
        var text = $"see {_base}/hop/1 and {_base}/hop/2 and again {_base}/ok";
        await SendLinksAsync(sink, html, text);
        var id = sink.Store.Snapshot()[0].Id;

        var plain = await GetAsync(http, $"api/v1/message/{id}/link-check");
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal("application/json", plain.MediaType);
        Assert.Equal(
            Expected(1, ("/ok", 200, "OK"), ("/gone", 410, "Gone"), ("/moved", 302, "Found"), ("/hop/1", 302, "Found"), ("/hop/2", 302, "Found")),
            plain.Json.ToJsonString());

        // Following: /moved and /hop/1 arrive; /hop/2 needs a third redirect, which Mailpit's client refuses.
        var followed = await GetAsync(http, $"api/v1/message/{id}/link-check?follow=true");
        Assert.Equal(
            Expected(2, ("/ok", 200, "OK"), ("/gone", 410, "Gone"), ("/moved", 200, "OK"), ("/hop/1", 200, "OK"), ("/hop/2", 0, "too many redirects")),
            followed.Json.ToJsonString());
    }

    [Fact]
    public async Task Loopback_links_are_blocked_by_default_and_unreachable_ones_fail()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        await SendLinksAsync(sink, $"<a href=\"{_base}/ok\">ok</a>", "");
        var blocked = await GetAsync(http, "api/v1/message/latest/link-check");
        Assert.Equal(Expected(1, ("/ok", 451, "Blocked private/reserved address")), blocked.Json.ToJsonString());

        await using var open = await StartSinkAsync(o => o.LinkCheck.AllowInternalRequests = true);
        using var openHttp = new HttpClient { BaseAddress = open.ApiUri };
        var closed = $"http://127.0.0.1:{ClosedPort()}/x";
        await SendLinksAsync(open, "", $"dead link {closed}");
        var refused = await GetAsync(openHttp, "api/v1/message/latest/link-check");
        Assert.Equal($$"""{"Errors":1,"Links":[{"URL":"{{closed}}","StatusCode":0,"Status":"connection refused"}]}""", refused.Json.ToJsonString());

        Assert.Equal("404 page not found", (await GetAsync(openHttp, "api/v1/message/nope/link-check")).Text);
    }

    private string Expected(int errors, params (string Path, int Code, string Status)[] links) =>
        JsonSerializer.Serialize(new { Errors = errors, Links = links.Select(l => new { URL = _base + l.Path, StatusCode = l.Code, l.Status }) });

    private static async Task SendLinksAsync(MailSink sink, string html, string text)
    {
        var message = NewMessage("links@example.test", "links");
        message.Body = new BodyBuilder { HtmlBody = html.Length > 0 ? html : null, TextBody = text }.ToMessageBody();
        await SendAsync(sink, message);
    }

    /// <summary>A port nothing listens on: bound, noted, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
