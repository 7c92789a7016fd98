using Microsoft.Playwright;

namespace MailStack.Sink.Tests.Ui;

/// <summary>
/// Debian's chromium (scripts/install-prereqs.sh installs it) driven by Playwright; Playwright's
/// own browser download is never used. Shared with bench/ui (linked source).
/// </summary>
public static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run scripts/install-prereqs.sh (apt-get install chromium)");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }
}
