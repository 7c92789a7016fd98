using System.Text.RegularExpressions;

namespace MailStack.Sink.Hosting;

/// <summary>Regular expressions built from what a user or client gives (chaos address rules, allowed recipients, IMAP LIST patterns).</summary>
internal static class UserPattern
{
    /// <summary>
    /// Bounds a match, so a pattern that backtracks without end cannot hold a session. The bound is
    /// wall-clock time, and a session ends on the timeout (a <see cref="RegexMatchTimeoutException"/>
    /// is a <see cref="TimeoutException"/>): at 100 ms, a session on a loaded machine (the test suite
    /// on 2 cores) was once preempted past it while matching a plain address, and the sink answered a
    /// RCPT with "421 Timeout" instead of the configured rule.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>An address pattern: case-insensitive.</summary>
    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
}
