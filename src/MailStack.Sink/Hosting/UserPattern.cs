using System.Text.RegularExpressions;

namespace MailStack.Sink.Hosting;

/// <summary>A regular expression a user configures (chaos address rules, allowed recipients), matched against addresses.</summary>
internal static class UserPattern
{
    /// <summary>
    /// Bounds a match, so a pattern that backtracks without end cannot hold a session. The bound is
    /// wall-clock time: at 100 ms, a session on a loaded machine (the test suite on 2 cores) was
    /// once preempted past it while matching a plain address, and the sink answered a RCPT with
    /// "421 Timeout" instead of the configured rule.
    /// </summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
}
