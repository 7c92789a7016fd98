namespace MailStack.Proxy.UnitTests.Model;

public sealed class MessagePrioritiesTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("0", MessagePriority.Immediate)]
    [InlineData("3", MessagePriority.Low)]
    [InlineData("-4", MessagePriority.Immediate)]
    [InlineData("99", MessagePriority.Low)]
    [InlineData("\"immediate\"", MessagePriority.Immediate)]
    [InlineData("\"HIGH\"", MessagePriority.High)]
    [InlineData("\"medium\"", MessagePriority.Medium)]
    [InlineData("\"low\"", MessagePriority.Low)]
    [InlineData("\"1\"", MessagePriority.High)]
    [InlineData("\"urgent\"", MessagePriority.Low)]
    [InlineData("1.5", MessagePriority.Low)]
    [InlineData("null", MessagePriority.Low)]
    public void Numbers_clamp_labels_map_and_anything_else_takes_the_default(string json, MessagePriority expected) =>
        Assert.Equal(expected, MessagePriorities.Parse(Json(json), MessagePriority.Low));

    [Fact]
    public void An_absent_priority_takes_the_default() =>
        Assert.Equal(MessagePriority.High, MessagePriorities.Parse(null, MessagePriority.High));
}
