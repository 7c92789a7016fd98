namespace MailStack.Proxy.UnitTests.Model;

public sealed class AccountPayloadTests
{
    private static AccountPayload Read(string json) => JsonSerializer.Deserialize<AccountPayload>(json, WireJson.Options)!;

    [Theory]
    [InlineData("""{"host":"h","port":25}""", "id")]
    [InlineData("""{"id":"a","port":25}""", "host")]
    [InlineData("""{"id":"a","host":"h"}""", "port")]
    [InlineData("""{"id":"a","host":"h","port":0}""", "port")]
    [InlineData("""{"id":"a","host":"h","port":65536}""", "port")]
    public void Required_fields_and_the_port_range_are_checked(string json, string field) =>
        Assert.Equal(["body", field], Read(json).Validate()!.Loc);

    [Fact]
    public void A_complete_account_reads_its_limits_and_behaviour()
    {
        var account = Read("""{"id":"a","tenant_id":"t","host":"h","port":587,"limit_per_minute":10,"limit_behavior":"reject","use_tls":true}""");
        Assert.Null(account.Validate());
        Assert.Equal(10, account.LimitPerMinute);
        Assert.Equal(LimitBehavior.Reject, account.LimitBehavior);
        Assert.Equal("t", ((ITenantScoped)account).TenantId);
    }

    [Theory]
    [InlineData("""{"limit_behavior":"drop"}""")]
    [InlineData("""{"port":"25"}""")]
    public void An_unknown_behaviour_or_a_port_as_text_is_refused(string json) =>
        Assert.Throws<JsonException>(() => Read(json));
}
