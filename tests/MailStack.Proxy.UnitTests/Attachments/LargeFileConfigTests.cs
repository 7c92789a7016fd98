namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>A tenant's large-file policy: genro's defaults, validation, the threshold and the reject reason to the character.</summary>
public sealed class LargeFileConfigTests
{
    private const long Megabyte = 1024 * 1024;

    [Fact]
    public void Absent_fields_take_genros_defaults_and_unknown_fields_are_refused()
    {
        var config = JsonSerializer.Deserialize<LargeFileConfig>("""{"enabled":true}""", WireJson.Options)!;

        Assert.Equal(new LargeFileConfig(Enabled: true, MaxSizeMb: 10, FileTtlDays: 30, Action: LargeFileAction.Warn), config);
        Assert.Equal("""{"enabled":true,"max_size_mb":10,"file_ttl_days":30,"action":"warn"}""", JsonSerializer.Serialize(config, WireJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LargeFileConfig>("""{"colour":"blue"}""", WireJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LargeFileConfig>("""{"action":"explode"}""", WireJson.Options));
    }

    [Theory]
    [InlineData(0.0, 30, null, "max_size_mb")]
    [InlineData(-1.0, 30, null, "max_size_mb")]
    [InlineData(1.0, 0, null, "file_ttl_days")]
    [InlineData(1.0, 30, "gs://bucket", "storage_url")]
    [InlineData(1.0, 30, "s3://", "storage_url")]
    public void Bad_values_name_their_field(double maxSizeMb, int ttlDays, string? storageUrl, string field) =>
        Assert.Equal(["body", "large_file_config", field], new LargeFileConfig(true, maxSizeMb, storageUrl, null, ttlDays).Validate()!.Loc);

    [Theory]
    [InlineData("files.example.test/attachments")]
    [InlineData("ftp://files.example.test")]
    [InlineData("file:///var/www")]
    public void A_public_base_url_must_be_an_http_or_https_url(string publicBaseUrl) =>
        Assert.Equal(["body", "large_file_config", "public_base_url"], new LargeFileConfig(true, PublicBaseUrl: publicBaseUrl).Validate()!.Loc);

    [Fact]
    public void Good_values_pass()
    {
        Assert.Null(new LargeFileConfig(true, 0.5, "s3://mail-attachments/big", "https://files.example.test", 1).Validate());
        Assert.Null(LargeFileConfig.Disabled.Validate());
    }

    [Fact]
    public void Only_an_enabled_config_acts_and_only_above_the_limit()
    {
        var rewrite = new LargeFileConfig(Enabled: true, MaxSizeMb: 1, Action: LargeFileAction.Rewrite);

        Assert.Null(rewrite.Apply(Megabyte));
        Assert.Equal(LargeFileAction.Rewrite, rewrite.Apply(Megabyte + 1));
        Assert.Null((rewrite with { Enabled = false }).Apply(100 * Megabyte));
    }

    [Theory]
    [InlineData(10.0, 12 * Megabyte, "Attachment 'f.bin' (12.0 MB) exceeds limit (10.0 MB)")]
    [InlineData(0.5, Megabyte, "Attachment 'f.bin' (1.0 MB) exceeds limit (0.5 MB)")]
    [InlineData(2.25, 3 * Megabyte / 2 * 2, "Attachment 'f.bin' (3.0 MB) exceeds limit (2.25 MB)")]
    public void The_reject_reason_prints_sizes_as_genro_does(double limit, long length, string reason) =>
        Assert.Equal(reason, new LargeFileConfig(true, limit).Exceeds("f.bin", length));
}
