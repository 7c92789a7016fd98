using System.Net.Http.Headers;
using System.Text;

namespace MailStack.Proxy.Model;

/// <summary>How the proxy authenticates to a tenant's endpoints: <c>none</c>, <c>bearer</c> (token) or <c>basic</c> (user, password).</summary>
public sealed record ClientAuth(string? Method, string? Token, string? User, string? Password)
{
    /// <summary>What the API shows: the secrets are write-only, like account passwords.</summary>
    public ClientAuth WithoutSecrets() => this with { Token = null, Password = null };

    /// <summary>The <c>Authorization</c> header for a request to the tenant (reports, attachment fetches); null for <c>none</c>.</summary>
    public AuthenticationHeaderValue? ToAuthorizationHeader() => Method switch
    {
        "bearer" => new AuthenticationHeaderValue("Bearer", Token ?? ""),
        "basic" => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))),
        _ => null,
    };
}
