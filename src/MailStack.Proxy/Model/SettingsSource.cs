namespace MailStack.Proxy.Model;

/// <summary>
/// Who last set the instance's bounce settings: configuration seeds them at every start until an
/// admin changes them through <c>PUT /instance</c>; from then on the API's values stay.
/// </summary>
public enum SettingsSource
{
    Configuration,
    Api,
}
