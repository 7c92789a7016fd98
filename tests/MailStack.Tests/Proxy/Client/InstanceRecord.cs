namespace MailStack.Tests.Proxy.Client;

/// <summary><c>GET /instance</c>: the instance's settings and the bounce receiver's position.</summary>
public sealed record InstanceRecord
{
    public bool Ok { get; init; }

    public int Id { get; init; }

    public string? Name { get; init; }

    public bool BounceEnabled { get; init; }

    public string? BounceImapHost { get; init; }

    public int BounceImapPort { get; init; }

    public string? BounceImapUser { get; init; }

    public string? BounceImapFolder { get; init; }

    public bool BounceImapSsl { get; init; }

    public int BouncePollInterval { get; init; }

    public string? BounceReturnPath { get; init; }

    public bool BounceDeleteProcessed { get; init; }

    public long? BounceLastUid { get; init; }

    public long? BounceLastSync { get; init; }

    public long? BounceUidvalidity { get; init; }

    /// <summary>Any field not named here (there must be no password among them).</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}
