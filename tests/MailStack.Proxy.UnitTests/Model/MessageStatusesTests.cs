namespace MailStack.Proxy.UnitTests.Model;

public sealed class MessageStatusesTests
{
    [Theory]
    [InlineData(MessageStatus.Pending, "pending")]
    [InlineData(MessageStatus.Deferred, "deferred")]
    [InlineData(MessageStatus.Sending, "sending")]
    [InlineData(MessageStatus.Sent, "sent")]
    [InlineData(MessageStatus.Error, "error")]
    [InlineData(MessageStatus.Bounced, "bounced")]
    public void Every_status_maps_to_its_database_text_and_back_and_is_written_so_on_the_wire(MessageStatus status, string text)
    {
        Assert.Equal(text, status.ToDb());
        Assert.Equal(status, MessageStatuses.FromDb(text));
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(status, WireJson.Options));
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("queued")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_text_is_no_status(string? text)
    {
        Assert.False(MessageStatuses.TryParse(text, out _));
        if (text is not null)
        {
            Assert.Throws<FormatException>(() => MessageStatuses.FromDb(text));
        }
    }

    [Fact]
    public void Open_is_waiting_plus_sending_and_reports_cover_every_outcome()
    {
        Assert.Equal(["pending", "deferred"], MessageStatuses.Waiting.ToDb());
        Assert.Equal(["pending", "deferred", "sending"], MessageStatuses.Open.ToDb());
        Assert.Equal(["sent", "error", "deferred", "bounced"], MessageStatuses.Reported.ToDb());
    }

    [Fact]
    public void Every_status_is_either_open_or_finished()
    {
        // The claim rechecks a locked row as "not finished" (MessageQueue): that means "open" only while this holds.
        Assert.Empty(MessageStatuses.Open.Intersect(MessageStatuses.Finished));
        Assert.Equal(Enum.GetValues<MessageStatus>().Order(), MessageStatuses.Open.Concat(MessageStatuses.Finished).Order());
    }
}
