namespace MailStack.Proxy.Model;

/// <summary>How the proxy authenticates to a tenant's endpoints: <c>none</c>, <c>bearer</c> (token) or <c>basic</c> (user, password).</summary>
public sealed record ClientAuth(string? Method, string? Token, string? User, string? Password)
{
    /// <summary>What the API shows: the secrets are write-only, like account passwords.</summary>
    public ClientAuth WithoutSecrets() => this with { Token = null, Password = null };
}
