namespace MailStack.Proxy.UnitTests.Model;

public sealed class MessageParserTests
{
    private static JsonElement Item(string json) => JsonDocument.Parse(json).RootElement;

    private const string Valid = """{"id":"m1","tenant_id":"t1","account_id":"main","from":"App <app@example.test>","to":"a@example.test","subject":"Hi"}""";

    private static string With(string fields) => Valid[..^1] + "," + fields + "}";

    [Theory]
    [InlineData("[]", "id")]
    [InlineData("""{"tenant_id":"t"}""", "id")]
    [InlineData("""{"id":"m","account_id":"a"}""", "tenant_id")]
    [InlineData("""{"id":"m","tenant_id":"t","account_id":"a","from":"f@x.test","to":[],"subject":"s"}""", "to")]
    [InlineData("""{"id":"m","tenant_id":"t","account_id":"a","from":"f@x.test","to":"b@x.test","subject":""}""", "subject")]
    [InlineData("""{"id":"m","tenant_id":"t","account_id":"a","from":null,"to":"b@x.test","subject":"s"}""", "from")]
    public void The_first_missing_required_field_is_named(string json, string field) =>
        Assert.Equal(field, MessageParser.MissingField(Item(json)));

    [Fact]
    public void A_rejected_item_naming_its_id_and_tenant_is_recorded_with_its_reason_account_priority_and_batch()
    {
        var item = Item("""{"id":"m1","tenant_id":"t1","account_id":"nope","priority":"low","batch_code":"spring","subject":""}""");

        var refused = MessageParser.Refused(item, "missing subject", MessagePriority.Medium);

        Assert.NotNull(refused);
        Assert.Equal(("t1", "m1", "nope", MessagePriority.Low, "spring", "missing subject"),
            (refused.TenantId, refused.Id, refused.AccountId, refused.Priority, refused.BatchCode, refused.Reason));
        Assert.Equal(item.GetRawText(), refused.Payload.GetRawText());
    }

    [Theory]
    [InlineData("""{"tenant_id":"t1","subject":"s"}""")]
    [InlineData("""{"id":"","tenant_id":"t1"}""")]
    [InlineData("""{"id":"m1"}""")]
    [InlineData("""{"id":7,"tenant_id":"t1"}""")]
    [InlineData("[]")]
    public void A_rejected_item_without_an_id_or_a_tenant_is_not_recorded(string json) =>
        Assert.Null(MessageParser.Refused(Item(json), "missing id", MessagePriority.Medium));

    [Fact]
    public void A_rejected_item_with_an_overlong_id_is_not_recorded_and_an_overlong_batch_code_is_dropped()
    {
        Assert.Null(MessageParser.Refused(Item($$"""{"id":"{{new string('x', 256)}}","tenant_id":"t1"}"""), "invalid id or batch_code length", MessagePriority.Medium));
        var refused = MessageParser.Refused(Item($$"""{"id":"m1","tenant_id":"t1","batch_code":"{{new string('b', 65)}}"}"""), "invalid id or batch_code length", MessagePriority.Medium);
        Assert.Equal(("m1", "", (string?)null, MessagePriority.Medium), (refused!.Id, refused.AccountId, refused.BatchCode, refused.Priority));
    }

    [Fact]
    public void A_valid_item_is_parsed_into_addresses_priority_and_the_payload_as_given()
    {
        var item = Item(With("""
            "cc":["c1@example.test","C Two <c2@example.test>"],"bcc":"b1@example.test, b2@example.test","reply_to":"r@example.test",
            "return_path":"bounce@example.test","message_id":"<given@example.test>","priority":"high","deferred_ts":1700000000,
            "batch_code":"b","content_type":"html","body":"<p>x</p>","headers":{"X-Num":5,"X-Text":"t"}
            """));
        Assert.Null(MessageParser.MissingField(item));

        var (message, rejection) = MessageParser.Parse(item, MessagePriority.Medium);

        Assert.Null(rejection);
        Assert.NotNull(message);
        Assert.Equal(("m1", "t1", "main"), (message.Id, message.TenantId, message.AccountId));
        Assert.Equal("app@example.test", message.From.Address);
        Assert.Equal("App", message.From.Name);
        Assert.Equal(["a@example.test"], message.To.Select(a => a.Address));
        Assert.Equal(["c1@example.test", "c2@example.test"], message.Cc.Select(a => a.Address));
        Assert.Equal(["b1@example.test", "b2@example.test"], message.Bcc.Select(a => a.Address));
        Assert.Equal("r@example.test", message.ReplyTo!.Address);
        Assert.Equal("bounce@example.test", message.ReturnPath!.Address);
        Assert.Equal("given@example.test", message.MessageId);
        Assert.Equal(MessagePriority.High, message.Priority);
        Assert.Equal(1700000000, message.DeferredTs);
        Assert.Equal("b", message.BatchCode);
        Assert.Equal(BodyFormat.Html, message.BodyFormat);
        Assert.Equal([KeyValuePair.Create("X-Num", "5"), KeyValuePair.Create("X-Text", "t")], message.Headers);
        Assert.Equal(item.GetRawText(), message.Payload.GetRawText());
    }

    [Theory]
    [InlineData("to", "\"not an address\"", "invalid to: not an address")]
    [InlineData("to", "[\"ok@example.test\",\"nobody\"]", "invalid to: nobody")]
    [InlineData("to", "42", "invalid to: 42")]
    [InlineData("cc", "\"a@example.test, @@\"", "invalid cc: @@")]
    [InlineData("bcc", "[7]", "invalid bcc: 7")]
    [InlineData("reply_to", "\"x y z\"", "invalid reply_to: x y z")]
    [InlineData("return_path", "\"<>\"", "invalid return_path: <>")]
    [InlineData("from", "\"app at example\"", "invalid from: app at example")]
    public void An_unparsable_address_is_rejected_naming_the_field(string field, string value, string reason)
    {
        var item = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        item[field] = System.Text.Json.Nodes.JsonNode.Parse(value);

        var (message, rejection) = MessageParser.Parse(JsonSerializer.SerializeToElement(item), MessagePriority.Medium);

        Assert.Null(message);
        Assert.Equal(new MessageRejection("m1", reason), rejection);
    }

    [Fact]
    public void Overlong_ids_and_batch_codes_are_rejected_with_the_id_cut_to_length()
    {
        var longId = new string('i', 300);
        var (_, rejection) = MessageParser.Parse(Item(Valid.Replace("\"m1\"", $"\"{longId}\"", StringComparison.Ordinal)), MessagePriority.Medium);
        Assert.Equal(new MessageRejection(longId[..255], "invalid id or batch_code length"), rejection);
        Assert.Equal("invalid id or batch_code length", MessageParser.Parse(Item(With($"\"batch_code\":\"{new string('b', 65)}\"")), MessagePriority.Medium).Rejection!.Reason);
    }

    [Fact]
    public void Attachments_are_typed_with_the_fetch_mode_given_or_inferred()
    {
        var (message, _) = MessageParser.Parse(Item(With("""
            "attachments":[
              {"filename":"a{MD5:0123abcd}.txt","storage_path":"base64:aGk=","mime_type":"text/plain","content_md5":"0123456789abcdef0123456789abcdef"},
              {"filename":"b.pdf","storage_path":"https://files.example.test/b.pdf","auth":{"method":"bearer","token":"t"}},
              {"filename":"c.bin","storage_path":"/srv/files/c.bin"},
              {"filename":"d","storage_path":"doc-42"},
              {"filename":"e","storage_path":"cmF3","fetch_mode":"base64"}]
            """)), MessagePriority.Medium);

        Assert.Equal(
            [("a.txt", FetchMode.Base64, "text/plain"), ("b.pdf", FetchMode.HttpUrl, "application/pdf"), ("c.bin", FetchMode.Filesystem, "application/octet-stream"),
             ("d", FetchMode.Endpoint, "application/octet-stream"), ("e", FetchMode.Base64, "application/octet-stream")],
            message!.Attachments.Select(a => (a.FileName, a.FetchMode, a.MimeType)));
        Assert.Equal("0123456789abcdef0123456789abcdef", message.Attachments[0].ContentMd5);
        Assert.Equal("bearer", message.Attachments[1].Auth!.Method);
    }

    [Theory]
    [InlineData("\"attachments\":\"file.txt\"", "invalid attachments: a list is required")]
    [InlineData("\"attachments\":[\"file.txt\"]", "invalid attachments: \"file.txt\"")]
    [InlineData("\"attachments\":[{\"filename\":\"f\",\"storage_path\":\"x\",\"fetch_mode\":\"ftp\"}]", "invalid attachments: attachment 'f': unknown fetch_mode 'ftp' (base64, http_url, endpoint or filesystem)")]
    public void Malformed_attachments_are_rejected(string field, string reason) =>
        Assert.Equal(reason, MessageParser.Parse(Item(With(field)), MessagePriority.Medium).Rejection!.Reason);
}
