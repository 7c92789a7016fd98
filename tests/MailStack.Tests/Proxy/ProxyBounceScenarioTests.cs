using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The scenarios of <c>bounce-scenarios.csv</c> (id, from, to, subject, body, expected_status,
/// simulate_bounce), each through the whole stack: a bounce is simulated by sending to the sink's
/// bouncing domain (<c>@bounce-hard.</c> / <c>@bounce-soft.</c>) with the row's local part.
/// </summary>
public sealed class ProxyBounceScenarioTests(StackFixture stack)
{
    private readonly ProxyApi _proxy = new(stack);

    public static TheoryData<string, string, string, string, string, string, string> Scenarios()
    {
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Proxy", "bounce-scenarios.csv")).Skip(1).Where(line => line.Length > 0).Select(SplitCsv);
        var data = new TheoryData<string, string, string, string, string, string, string>();
        foreach (var row in rows)
        {
            data.Add(row[0], row[1], row[2], row[3], row[4], row[5], row[6]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Each_scenario_ends_in_its_expected_status(string id, string from, string to, string subject, string body, string expectedStatus, string simulateBounce)
    {
        var tenantId = NewId("csv");
        using var tenant = _proxy.Client(await _proxy.CreateTenantAsync(tenantId));
        var messageId = NewId(id);
        // The row's local part made unique (parallel tests, repeated runs); a simulated bounce goes to the bouncing domain.
        var at = to.IndexOf('@', StringComparison.Ordinal);
        var domain = simulateBounce.Length == 0 ? to[(at + 1)..] : $"bounce-{simulateBounce}.example";
        var recipient = $"{to[..at]}-{Guid.NewGuid():N}@{domain}";

        await tenant.AddMessagesAsync(OutgoingMessage.For(tenantId, messageId, recipient, subject, body) with { From = from });

        var expected = Enum.Parse<MessageStatus>(expectedStatus, ignoreCase: true);
        // A bounced message is sent first: wait for the expected status or a final one.
        var record = await WaitForStatusAsync(tenant, tenantId, messageId, s => s == expected || s is MessageStatus.Error or MessageStatus.Bounced);
        Assert.Equal(expected, record.Status);
        Assert.Equal(simulateBounce.Length == 0 ? null : simulateBounce, record.BounceType);
        switch (expected)
        {
            case MessageStatus.Bounced:
                // The sink's defaults: 5.1.1 user unknown, 4.2.2 mailbox full.
                Assert.Equal(simulateBounce == "hard" ? "511" : "422", record.BounceCode);
                break;
            case MessageStatus.Sent:
                // Delivered as the row wrote it, and no bounce follows.
                using (var sink = _proxy.Sink("sink-tenant1"))
                {
                    var mail = await sink.WaitForMessageAsync(MailSinkClient.To(recipient), TimeSpan.FromSeconds(30), Cancellation);
                    Assert.Equal((subject, MimeKit.MailboxAddress.Parse(from).Address), (mail.Subject, mail.From.Address));
                    Assert.Contains(body, mail.Text, StringComparison.Ordinal);
                }

                await Eventually.NeverAsync(async c => (await tenant.FindMessageAsync(tenantId, messageId, c))!.Status != MessageStatus.Sent, TimeSpan.FromSeconds(3), $"{messageId} to leave sent");
                break;
            default:
                Assert.False(string.IsNullOrEmpty(record.Error));
                break;
        }
    }

    /// <summary>One CSV line (RFC 4180: fields in double quotes may hold commas; "" is a quote).</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }
}
