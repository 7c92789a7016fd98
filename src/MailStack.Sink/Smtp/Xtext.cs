using System.Text;

namespace MailStack.Sink.Smtp;

/// <summary>RFC 3461 §4 xtext: printable ASCII except "+" and "=", which travel as "+XX" (upper-case hex).</summary>
public static class Xtext
{
    public static bool TryDecode(string encoded, out string decoded)
    {
        var text = new StringBuilder(encoded.Length);
        decoded = "";
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '+')
            {
                if (i + 2 >= encoded.Length || !IsUpperHex(encoded[i + 1]) || !IsUpperHex(encoded[i + 2]))
                {
                    return false;
                }

                text.Append((char)Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                return false;
            }
            else
            {
                text.Append(c);
            }
        }

        decoded = text.ToString();
        return true;
    }

    public static string Encode(string text)
    {
        var encoded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is < '!' or > '~' or '+' or '=')
            {
                encoded.Append('+').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append(c);
            }
        }

        return encoded.ToString();
    }

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');
}
