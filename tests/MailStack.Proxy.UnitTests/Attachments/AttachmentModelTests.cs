namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>How an attachment item is read: fetch mode inferred as genro does, the MD5 marker as a cache key and stripped.</summary>
public sealed class AttachmentModelTests
{
    [Theory]
    [InlineData("base64:SGVsbG8=", FetchMode.Base64)]
    [InlineData("http://cdn.example.test/logo.png", FetchMode.HttpUrl)]
    [InlineData("HTTPS://cdn.example.test/logo.png", FetchMode.HttpUrl)]
    [InlineData("/var/attachments/report.pdf", FetchMode.Filesystem)]
    [InlineData("doc_id=123&version=2", FetchMode.Endpoint)]
    [InlineData("SGVsbG8=", FetchMode.Endpoint)]
    [InlineData("ftp://host/file", FetchMode.Endpoint)]
    public void A_missing_fetch_mode_is_inferred_from_the_storage_path(string storagePath, FetchMode expected) =>
        Assert.Equal(expected, MessageAttachment.InferFetchMode(storagePath));

    [Theory]
    [InlineData("report_{MD5:D41D8CD98F00B204E9800998ECF8427E}.pdf", "report.pdf", "D41D8CD98F00B204E9800998ECF8427E")]
    [InlineData("{MD5:abc123}logo.png", "logo.png", "abc123")]
    [InlineData("a__b_{MD5:abc}_.txt", "a_b.txt", "abc")]
    [InlineData("plain__name.txt", "plain__name.txt", null)]
    public void The_md5_marker_is_read_and_stripped_from_the_file_name_as_genro_does(string given, string name, string? marker)
    {
        Assert.Equal(name, MessageAttachment.StripMd5Marker(given));
        Assert.Equal(marker, MessageAttachment.FindMd5Marker(given));
    }

    [Fact]
    public void Content_md5_is_the_cache_key_before_the_marker_both_lower_case()
    {
        var both = new MessageAttachment("a", "x", "text/plain", FetchMode.Endpoint, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null) { FileNameMd5 = "bbbb" };
        var marker = new MessageAttachment("a", "x", "text/plain", FetchMode.Endpoint, null, null) { FileNameMd5 = "BBBB" };
        var none = new MessageAttachment("a", "x", "text/plain", FetchMode.Endpoint, null, null);

        Assert.Equal("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", both.CacheKey);
        Assert.Equal("bbbb", marker.CacheKey);
        Assert.Null(none.CacheKey);
    }

    [Theory]
    [InlineData("""{"filename":"b.txt","storage_path":"x","fetch_mode":"ftp"}""", "invalid attachments: attachment 'b.txt': unknown fetch_mode 'ftp' (base64, http_url, endpoint or filesystem)")]
    [InlineData("""{"filename":"c.txt","storage_path":"base64:not*base64!"}""", "invalid attachments: attachment 'c.txt': storage_path is not valid base64")]
    [InlineData("""{"filename":"c.txt","storage_path":"@@@","fetch_mode":"base64"}""", "invalid attachments: attachment 'c.txt': storage_path is not valid base64")]
    [InlineData("""{"filename":"d.txt"}""", "invalid attachments: attachment 'd.txt': missing storage_path")]
    [InlineData("""{"storage_path":"x"}""", "invalid attachments: missing filename")]
    [InlineData("""{"filename":"e.txt","storage_path":"x","content_md5":"xyz"}""", "invalid attachments: attachment 'e.txt': content_md5 must be 32 hexadecimal digits")]
    public void A_bad_attachment_is_rejected_at_enqueue_with_a_reason_naming_it(string attachment, string reason)
    {
        var (message, rejection) = MessageParser.Parse(Item(attachment), MessagePriority.Medium);

        Assert.Null(message);
        Assert.Equal(reason, rejection!.Reason);
    }

    [Fact]
    public void A_good_attachment_keeps_its_auth_and_gets_a_mime_type_from_its_name()
    {
        var (message, _) = MessageParser.Parse(Item("""{"filename":"r_{MD5:abc}.pdf","storage_path":"https://x.test/r","auth":{"method":"bearer","token":"t"}}"""), MessagePriority.Medium);

        var attachment = Assert.Single(message!.Attachments);
        Assert.Equal(("r.pdf", "application/pdf", FetchMode.HttpUrl, "abc"), (attachment.FileName, attachment.MimeType, attachment.FetchMode, attachment.CacheKey));
        Assert.Equal("Bearer t", attachment.Auth!.ToAuthorizationHeader()!.ToString());
    }

    private static JsonElement Item(string attachment) => JsonDocument.Parse($$"""
        {"id":"m","tenant_id":"t","account_id":"a","from":"a@example.test","to":"b@example.test","subject":"s","attachments":[{{attachment}}]}
        """).RootElement;
}
