using System.Security.Cryptography;
using System.Text;

namespace MailStack.Proxy.Security;

/// <summary>Tenant API keys: 32 random bytes, URL-safe base64, shown once; only a SHA-256 hash is kept.</summary>
public static class ApiKeys
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
