using MailStack.Sink.Client;
using System.Text.RegularExpressions;
using MailStack.Sink.Hosting;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Chaos;

/// <summary>What a session must do at a stage instead of (or before) its normal behaviour.</summary>
public sealed record ChaosDecision(ChaosAction Action, string? Reply, TimeSpan Delay)
{
    /// <summary>For <see cref="ChaosAction.Bounce"/>: the report to send (after <see cref="Delay"/>).</summary>
    public ChaosBounce? Bounce { get; init; }
}

/// <summary>
/// Decides, per SMTP stage, whether to inject a fault. All randomness comes from one seeded
/// generator, so a run with the same seed and the same sequence of events fails the same way.
/// </summary>
public sealed class ChaosEngine
{
    private readonly object _gate = new();
    private readonly Dictionary<ChaosStage, long> _occurrences = [];
    private ChaosSettings _settings = new();
    private IReadOnlyList<(ChaosRule Rule, Regex? Pattern)> _rules = [];
    private Random _random = new();

    public ChaosEngine(IOptions<MailSinkOptions> options) => Apply(options.Value.Chaos);

    public ChaosSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    /// <summary>Replaces the whole configuration and restarts counting and the random sequence.</summary>
    public void Apply(ChaosSettings settings)
    {
        var rules = new List<ChaosRule>(settings.Rules);
        if (!string.IsNullOrWhiteSpace(settings.Preset))
        {
            rules.AddRange(ChaosPresets.Rules(settings.Preset.Trim().ToLowerInvariant(), settings.RateLimit));
        }

        var compiled = rules.Select(r => (r, r.AddressPattern is { Length: > 0 } p
            ? UserPattern.Compile(p)
            : null)).ToList();
        lock (_gate)
        {
            _settings = settings;
            _rules = compiled;
            _occurrences.Clear();
            _random = settings.Seed is { } seed ? new Random(seed) : new Random();
        }
    }

    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _rules.Count > 0 || _settings.Sender.Probability > 0 || _settings.Recipient.Probability > 0 || _settings.Authentication.Probability > 0;
            }
        }
    }

    /// <param name="address">The address (or user) the stage is about, for pattern rules.</param>
    public ChaosDecision? Evaluate(ChaosStage stage, string? address = null)
    {
        lock (_gate)
        {
            var occurrence = _occurrences[stage] = _occurrences.GetValueOrDefault(stage) + 1;
            if (MailpitTrigger(stage) is { Probability: > 0 } trigger && Draw() < trigger.Probability)
            {
                return new ChaosDecision(ChaosAction.Reply, $"{trigger.ErrorCode} Chaos {MailpitName(stage)} error", TimeSpan.Zero);
            }

            // Probabilities of rules at one stage share one draw, so they form exclusive bands.
            var draw = Draw();
            var band = 0.0;
            foreach (var (rule, pattern) in _rules)
            {
                if (rule.Stage != stage
                    || (rule.EveryNth is > 0 and var n && occurrence % n != 0)
                    || (rule.AfterN is { } after && occurrence <= after)
                    || (pattern is not null && (address is null || !pattern.IsMatch(address))))
                {
                    continue;
                }

                band += rule.Probability;
                if (draw >= band)
                {
                    continue;
                }

                return new ChaosDecision(rule.Action, FormatReply(rule), TimeSpan.FromMilliseconds(rule.DelayMilliseconds)) { Bounce = rule.Bounce };
            }

            return null;
        }
    }

    private double Draw() => _random.NextDouble() * 100;

    private ChaosTrigger? MailpitTrigger(ChaosStage stage) => stage switch
    {
        ChaosStage.Mail => _settings.Sender,
        ChaosStage.Rcpt => _settings.Recipient,
        ChaosStage.Auth => _settings.Authentication,
        _ => null,
    };

    private static string MailpitName(ChaosStage stage) => stage switch
    {
        ChaosStage.Mail => "sender",
        ChaosStage.Rcpt => "recipient",
        _ => "authentication",
    };

    private static string FormatReply(ChaosRule rule)
    {
        var enhanced = rule.EnhancedCode ?? $"{rule.Code / 100}.0.0";
        return $"{rule.Code} {enhanced} {rule.Text ?? "Chaos injected error"}";
    }
}
