using MailStack.Proxy.Dispatch;

namespace MailStack.Proxy.UnitTests.Dispatch;

public sealed class DeliveryReportTests
{
    [Fact]
    public void Each_outcome_becomes_its_report_item_without_empty_fields()
    {
        var report = new DeliveryReportRequest(
        [
            new UnreportedEvent(1, "s", MessageStatus.Sent, 10, "sent").ToReportItem(),
            new UnreportedEvent(2, "e", MessageStatus.Error, 11, "no such user (SMTP 550)").ToReportItem(),
            new UnreportedEvent(3, "d", MessageStatus.Deferred, 12, "try later").ToReportItem(),
            new UnreportedEvent(4, "b", MessageStatus.Bounced, 13, "mailbox unknown").ToReportItem(),
        ]);

        Assert.Equal(
            """{"delivery_report":[{"id":"s","sent_ts":10},{"id":"e","error_ts":11,"error":"no such user (SMTP 550)"},{"id":"d","deferred_ts":12,"deferred_reason":"try later"},{"id":"b","bounce_ts":13,"bounce_reason":"mailbox unknown"}]}""",
            JsonSerializer.Serialize(report, WireJson.Options));
    }

    [Fact]
    public async Task The_body_has_a_length_so_it_is_not_sent_chunked()
    {
        using var body = DeliveryReporter.Body(new DeliveryReportRequest([]));
        Assert.Equal("""{"delivery_report":[]}""", await body.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(22, body.Headers.ContentLength);
        Assert.Equal("application/json", body.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("""{"ok":true,"queued":3,"next_sync_after":1700000000}""", 3, 1700000000L)]
    [InlineData("""{"ok":true}""", null, null)]
    public void A_tenants_reply_is_read(string json, int? queued, long? nextSyncAfter)
    {
        var reply = JsonSerializer.Deserialize<SyncReply>(json, WireJson.Options)!;
        Assert.Equal((queued, nextSyncAfter), (reply.Queued, reply.NextSyncAfter));
    }
}
