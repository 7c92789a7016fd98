namespace MailStack.Proxy.Model;

/// <summary><c>{"ok":true}</c>.</summary>
public sealed record OkResponse
{
    public static OkResponse Instance { get; } = new();

    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public bool Ok => true;
}
