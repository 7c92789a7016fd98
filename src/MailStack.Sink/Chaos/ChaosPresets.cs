using MailStack.Sink.Client;
namespace MailStack.Sink.Chaos;

/// <summary>The classic error servers, as rule sets.</summary>
public static class ChaosPresets
{
    public static readonly string[] Names = ["reject_all", "temp_fail", "rate_limit", "timeout", "auth_fail", "random", "address_rules"];

    public static IReadOnlyList<ChaosRule> Rules(string preset, int rateLimit) => preset switch
    {
        "reject_all" => [Reply(ChaosStage.Rcpt, 550, "5.7.1", "Chaos: all mail rejected")],
        "temp_fail" => [Reply(ChaosStage.Rcpt, 451, "4.3.0", "Chaos: temporary failure, try again later")],
        "rate_limit" => [new ChaosRule { Stage = ChaosStage.Mail, Code = 452, EnhancedCode = "4.5.3", Text = "Chaos: rate limit exceeded", AfterN = rateLimit }],
        "timeout" => [new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Delay, DelayMilliseconds = 600_000 }],
        "auth_fail" => [Reply(ChaosStage.Auth, 530, "5.7.0", "Chaos: authentication failed"), Reply(ChaosStage.Mail, 530, "5.7.0", "Chaos: authentication required")],
        // Exclusive bands of one random draw per message: 60% ok, 20% 451, 10% 550, 10% slow.
        "random" =>
        [
            new ChaosRule { Stage = ChaosStage.DataEnd, Code = 451, EnhancedCode = "4.3.0", Text = "Chaos: random temporary failure", Probability = 20 },
            new ChaosRule { Stage = ChaosStage.DataEnd, Code = 550, EnhancedCode = "5.7.1", Text = "Chaos: random rejection", Probability = 10 },
            new ChaosRule { Stage = ChaosStage.DataEnd, Action = ChaosAction.Delay, DelayMilliseconds = 2_000, Probability = 10 },
        ],
        "address_rules" =>
        [
            new ChaosRule { Stage = ChaosStage.Rcpt, Code = 550, EnhancedCode = "5.1.1", Text = "Chaos: mailbox unavailable", AddressPattern = "@reject\\." },
            new ChaosRule { Stage = ChaosStage.Rcpt, Code = 451, EnhancedCode = "4.3.0", Text = "Chaos: temporary failure", AddressPattern = "@tempfail\\." },
            new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, Bounce = new() { Type = BounceType.Hard }, AddressPattern = "@bounce-hard\\." },
            new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, Bounce = new() { Type = BounceType.Soft }, AddressPattern = "@bounce-soft\\." },
        ],
        _ => throw new ArgumentException($"unknown chaos preset '{preset}'; known: {string.Join(", ", Names)}"),
    };

    private static ChaosRule Reply(ChaosStage stage, int code, string enhanced, string text) =>
        new() { Stage = stage, Code = code, EnhancedCode = enhanced, Text = text };
}
