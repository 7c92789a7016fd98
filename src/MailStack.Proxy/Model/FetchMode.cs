namespace MailStack.Proxy.Model;

/// <summary>Where an attachment's bytes come from (genro's <c>fetch_mode</c>). Only <see cref="Base64"/> is sent today.</summary>
public enum FetchMode
{
    Base64,
    HttpUrl,
    Endpoint,
    Filesystem,
}
