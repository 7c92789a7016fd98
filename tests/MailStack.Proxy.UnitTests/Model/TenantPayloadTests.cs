namespace MailStack.Proxy.UnitTests.Model;

public sealed class TenantPayloadTests
{
    private static TenantPayload Read(string json) => JsonSerializer.Deserialize<TenantPayload>(json, WireJson.Options)!;

    [Fact]
    public void An_absent_field_is_kept_apart_from_an_explicit_null()
    {
        var payload = Read("""{"id":"t1","name":null,"retention_seconds":60,"client_auth":{"method":"bearer","token":"s3cret"}}""");

        Assert.True(payload.Name.IsSet);
        Assert.Null(payload.Name.Value);
        Assert.False(payload.ClientBaseUrl.IsSet);
        Assert.False(payload.Active.IsSet);
        Assert.True(payload.RetentionSeconds.TryGet(out var retention));
        Assert.Equal(60, retention);
        Assert.Equal(new ClientAuth("bearer", "s3cret", null, null), payload.ClientAuth.Value);
    }

    [Fact]
    public void Secrets_of_the_client_auth_are_not_shown() =>
        Assert.Equal("""{"method":"basic","user":"app"}""", JsonSerializer.Serialize(new ClientAuth("basic", "t", "app", "pw").WithoutSecrets(), WireJson.Options));

    [Theory]
    [InlineData("""{"retention_seconds":"60"}""", "$.retention_seconds")]
    [InlineData("""{"active":"yes"}""", "$.active")]
    [InlineData("""{"client_auth":"bearer"}""", "$.client_auth")]
    public void A_wrong_type_fails_naming_the_field(string json, string path) =>
        Assert.Equal(path, Assert.Throws<JsonException>(() => Read(json)).Path);

    [Theory]
    [InlineData("not a url", false)]
    [InlineData("/relative", false)]
    [InlineData("http://client.example.test", true)]
    public void The_client_base_url_must_be_absolute(string url, bool valid) =>
        Assert.Equal(valid, Read($$"""{"client_base_url":"{{url}}"}""").Validate() is null);
}
