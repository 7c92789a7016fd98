namespace MailStack.Proxy.Model;

/// <summary>A handler error (400, 401, 403, 404, 413): <c>{"ok":false,"detail":"…"}</c>.</summary>
public sealed record ApiError(string Detail)
{
    public bool Ok => false;
}
