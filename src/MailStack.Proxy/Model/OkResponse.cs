namespace MailStack.Proxy.Model;

/// <summary><c>{"ok":true}</c>.</summary>
public sealed record OkResponse
{
    public static OkResponse Instance { get; } = new();

    public bool Ok => true;
}
