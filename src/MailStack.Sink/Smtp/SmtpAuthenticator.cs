using System.Security.Cryptography;
using System.Text;
using MailStack.Sink.Hosting;

namespace MailStack.Sink.Smtp;

/// <summary>Checks credentials against the configured users, or accepts any when none are configured.</summary>
internal sealed class SmtpAuthenticator(SmtpOptions options)
{
    public static readonly string[] Mechanisms = ["PLAIN", "LOGIN", "CRAM-MD5"];

    public bool AcceptsAny => options.Users.Count == 0;

    public bool Check(string user, string password) =>
        AcceptsAny || (options.Users.TryGetValue(user, out var expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password)));

    /// <summary>CRAM-MD5: the client proves it knows the password by an HMAC of our challenge.</summary>
    public bool CheckCramMd5(string user, string challenge, string digestHex)
    {
        if (AcceptsAny)
        {
            return true;
        }

        if (!options.Users.TryGetValue(user, out var password))
        {
            return false;
        }

        // CRAM-MD5 is MD5 by definition (RFC 2195); the sink offers it because clients test it.
#pragma warning disable CA5351
        var expected = HMACMD5.HashData(Encoding.UTF8.GetBytes(password), Encoding.ASCII.GetBytes(challenge));
#pragma warning restore CA5351
        var given = Encoding.ASCII.GetBytes(digestHex.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)), given);
    }

    public static bool TryDecodeBase64(string text, out string decoded)
    {
        decoded = "";
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var length))
        {
            return false;
        }

        decoded = Encoding.UTF8.GetString(buffer, 0, length);
        return true;
    }
}
