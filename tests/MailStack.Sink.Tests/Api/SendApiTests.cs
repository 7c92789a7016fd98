using System.Net.Http.Headers;
using MailStack.Sink.Hosting;
using static MailStack.Sink.Tests.Api.HttpAnswer;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Api;

/// <summary><c>POST /api/v1/send</c> as Mailpit's send API: the stored mail, the answer and the validation errors.</summary>
public sealed class SendApiTests : SinkApiTest
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    [Fact]
    public async Task A_sent_message_is_stored_as_if_it_came_over_smtp()
    {
        using var events = await Http.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var stream = new StreamReader(await events.Content.ReadAsStreamAsync(Cancellation));
        Assert.Equal(": connected", await stream.ReadLineAsync(Cancellation));

        var body = JsonSerializer.Serialize(new
        {
            From = new { Email = "app@example.test", Name = "The App" },
            To = new[] { new { Email = "jane@example.test", Name = "Jane" }, new { Email = "joe@example.test", Name = "" } },
            Cc = new[] { new { Email = "boss@example.test", Name = "Boss" } },
            Bcc = new[] { "audit@example.test" },
            ReplyTo = new[] { new { Email = "help@example.test", Name = "Help" } },
            Subject = "Sent through the API",
            Text = "Plain words",
            HTML = "<p>Rich <img src=\"cid:logo\"></p>",
            Attachments = new object[]
            {
                new { Content = Convert.ToBase64String("a,b\n1,2\n"u8.ToArray()), Filename = "data.csv", ContentType = "text/csv" },
                new { Content = "data:image/png;base64," + Convert.ToBase64String(Png), Filename = "logo.png", ContentID = "logo" },
            },
            Headers = new Dictionary<string, string> { ["X-Campaign"] = "spring" },
            Tags = new[] { "Tag 1", "api" },
        });
        var answer = await SendAsync(Http, HttpMethod.Post, "api/v1/send", body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        var id = Assert.Single(answer.Json.AsObject(), p => p.Key == "ID").Value!.GetValue<string>();
        Assert.Single(answer.Json.AsObject());

        // The events stream and the search see it like SMTP mail.
        var (type, frame) = await EventsApiTests.ReadFrameAsync(stream);
        Assert.Equal("new", type);
        Assert.Equal(id, frame.GetProperty("Data").GetProperty("ID").GetString());
        Assert.Equal(["api", "Tag 1"], frame.GetProperty("Data").GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(id, (await GetAsync(Http, "api/v1/search?query=tag:api")).Json["messages"]![0]!["ID"]!.GetValue<string>());

        var stored = Sink.Store.Find(id)!;
        Assert.Equal("app@example.test", stored.Envelope.From);
        Assert.Equal(["jane@example.test", "joe@example.test", "boss@example.test", "audit@example.test"], stored.Envelope.Recipients);

        var detail = (await GetAsync(Http, $"api/v1/message/{id}")).Json;
        Assert.Equal("""{"Name":"The App","Address":"app@example.test"}""", detail["From"]!.ToJsonString());
        Assert.Equal("""[{"Name":"Jane","Address":"jane@example.test"},{"Name":"","Address":"joe@example.test"}]""", detail["To"]!.ToJsonString());
        Assert.Equal("""[{"Name":"Boss","Address":"boss@example.test"}]""", detail["Cc"]!.ToJsonString());
        Assert.Equal("""[{"Name":"","Address":"audit@example.test"}]""", detail["Bcc"]!.ToJsonString());
        Assert.Equal("""[{"Name":"Help","Address":"help@example.test"}]""", detail["ReplyTo"]!.ToJsonString());
        Assert.Equal("app@example.test", detail["ReturnPath"]!.GetValue<string>());
        Assert.Equal("Sent through the API", detail["Subject"]!.GetValue<string>());
        Assert.Equal("Plain words", detail["Text"]!.GetValue<string>());
        Assert.Equal("<p>Rich <img src=\"cid:logo\"></p>", detail["HTML"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(detail["MessageID"]!.GetValue<string>()));

        var csv = Assert.Single(detail["Attachments"]!.AsArray())!;
        Assert.Equal("data.csv", csv["FileName"]!.GetValue<string>());
        Assert.Equal("text/csv", csv["ContentType"]!.GetValue<string>());
        Assert.Equal("a,b\n1,2\n"u8.ToArray(), (await GetAsync(Http, $"api/v1/message/{id}/part/{csv["PartID"]}")).Bytes);
        var logo = Assert.Single(detail["Inline"]!.AsArray())!;
        Assert.Equal("logo", logo["ContentID"]!.GetValue<string>());
        Assert.Equal("image/png", logo["ContentType"]!.GetValue<string>()); // detected, as none was given
        Assert.Equal(Png, (await GetAsync(Http, $"api/v1/message/{id}/part/{logo["PartID"]}")).Bytes);

        var headers = (await GetAsync(Http, $"api/v1/message/{id}/headers")).Json;
        Assert.Equal("""["spring"]""", headers["X-Campaign"]!.ToJsonString());
        Assert.Equal("""["Tag 1, api"]""", headers["X-Tags"]!.ToJsonString());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"To":[{"Email":"a@example.test"}],"Subject":"s"}""", "error building message: from not set" },
        { """{"From":{"Email":"f@example.test"},"To":[{"Email":"a@example.test"}]}""", "error building message: subject not set" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s"}""", "error building message: no recipients (to, cc, bcc) set" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","To":[{"Email":"not-an-address"}]}""", "invalid To address: not-an-address" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","Cc":[{"Email":"x@"}]}""", "invalid Cc address: x@" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","Bcc":["nobody"]}""", "invalid Bcc address: nobody" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","To":[{"Email":"a@example.test"}],"ReplyTo":[{"Email":"@x"}]}""", "invalid Reply-To address: @x" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","To":[{"Email":"a@example.test"}],"Headers":{"subject":"x"}}""", "cannot overwrite header: \"subject\"" },
        { """{"From":{"Email":"f@example.test"},"Subject":"s","To":[{"Email":"a@example.test"}],"Tags":["t"],"Headers":{"X-Tags":"x"}}""", "cannot overwrite header: \"X-Tags\"" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_requests_get_mailpits_json_error(string body, string error)
    {
        var answer = await SendAsync(Http, HttpMethod.Post, "api/v1/send", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        Assert.Equal(JsonSerializer.Serialize(new { Error = error }), answer.Json.ToJsonString());
        Assert.Equal(0, Sink.Store.Count);
    }

    [Fact]
    public async Task Broken_json_and_bad_base64_are_json_errors_too()
    {
        var broken = await SendAsync(Http, HttpMethod.Post, "api/v1/send", "{\"From\":");
        Assert.Equal(HttpStatusCode.BadRequest, broken.Status);
        Assert.StartsWith("invalid JSON body", broken.Json["Error"]!.GetValue<string>(), StringComparison.Ordinal);

        var base64 = await SendAsync(Http, HttpMethod.Post, "api/v1/send",
            """{"From":{"Email":"f@example.test"},"Subject":"s","To":[{"Email":"a@example.test"}],"Attachments":[{"Content":"***","Filename":"x.bin"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, base64.Status);
        Assert.StartsWith("error decoding base64 attachment \"x.bin\": ", base64.Json["Error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_basic_auth_user_becomes_the_username()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/send")
        {
            Content = JsonContent.Create(new SendRequest { From = new("f@example.test"), To = [new("a@example.test")], Subject = "authenticated" }, options: SinkJson.Options),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("robot:secret"u8.ToArray()));
        using var response = await Http.SendAsync(request, Cancellation);
        var id = (await response.Content.ReadFromJsonAsync<SendResponse>(Cancellation))!.ID;
        Assert.Equal("robot", (await GetAsync(Http, $"api/v1/message/{id}")).Json["Username"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_client_sends_and_waits_like_for_smtp_mail()
    {
        using var api = ClientFor(Sink);
        var to = api.NewAddress("send-api");
        var id = await api.SendAsync(new SendRequest { From = new("app@example.test"), To = [new(to, "Reader")], Subject = "via client", Text = "hi" }, Cancellation);
        var message = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal(id, message.ID);
        Assert.Equal("hi", message.Text.TrimEnd());
    }

    [Fact]
    public async Task Curl_sends_as_a_foreign_client()
    {
        var answer = await CurlAsync(Sink.ApiUri, "POST", "api/v1/send",
            """{"From":{"Email":"curl@example.test"},"To":[{"Email":"someone@example.test"}],"Subject":"from curl","Text":"sent by curl"}""");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        var id = answer.Json["ID"]!.GetValue<string>();
        var stored = Sink.Store.Find(id)!;
        Assert.Equal("from curl", stored.Summary.Subject);
        Assert.Equal(["someone@example.test"], stored.Envelope.Recipients);

        var error = await CurlAsync(Sink.ApiUri, "POST", "api/v1/send", """{"From":{"Email":"curl@example.test"},"Subject":"no one"}""");
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("""{"Error":"error building message: no recipients (to, cc, bcc) set"}""", error.Json.ToJsonString());
    }
}
