using Microsoft.Playwright;

namespace MailStack.Sink.Tests.Ui;

/// <summary>
/// Debian's chromium-headless-shell (scripts/install-prereqs.sh installs it) driven by Playwright;
/// Playwright's own browser download is never used. The headless shell is the browser Playwright
/// runs headless by default: the same Blink and V8 as Debian's full chromium, without the browser's
/// own UI, which in headless mode cost the UI tests 2.4 times the CPU (bench/README.md).
/// Shared with bench/ui (linked source).
/// </summary>
public static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium-headless-shell";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run scripts/install-prereqs.sh (apt-get install chromium-headless-shell)");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }
}
