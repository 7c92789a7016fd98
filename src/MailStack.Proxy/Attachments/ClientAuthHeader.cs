using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>The <c>Authorization</c> header of a genro auth object (<c>{method: none|bearer|basic, token, user, password}</c>).</summary>
public static class ClientAuthHeader
{
    public static AuthenticationHeaderValue? For(ClientAuth? auth) => auth?.Method switch
    {
        "bearer" => new AuthenticationHeaderValue("Bearer", auth.Token ?? ""),
        "basic" => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{auth.User}:{auth.Password}"))),
        _ => null,
    };

    /// <summary>An attachment's own <c>auth</c> object, as given in the add-messages item.</summary>
    public static ClientAuth? Parse(JsonElement? auth) =>
        auth is { ValueKind: JsonValueKind.Object } value
            ? new ClientAuth(Text(value, "method"), Text(value, "token"), Text(value, "user"), Text(value, "password"))
            : null;

    private static string? Text(JsonElement value, string name) =>
        value.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String ? field.GetString() : null;
}
