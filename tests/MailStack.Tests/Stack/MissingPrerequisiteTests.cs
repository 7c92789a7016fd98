namespace MailStack.Tests.Stack;

public sealed class MissingPrerequisiteTests
{
    /// <summary>
    /// The AppHost with dovecot alone: that the rest of the stack starts beside a failed dovecot is
    /// the model's business (nothing waits for it: <see cref="AppModelTests"/>), and starting the
    /// whole graph again for it cost a tenth of the stack suite's CPU.
    /// </summary>
    [Fact]
    public async Task Missing_dovecot_binary_fails_that_resource_with_a_named_error()
    {
        var missing = $"/nonexistent/{Guid.NewGuid():N}/dovecot";
        var (app, logs) = await StackFixture.StartAsync(
            ["MailStack:Infrastructure=local", $"MailStack:Local:DovecotPath={missing}"],
            healthy: [],
            configure: builder =>
            {
                foreach (var other in builder.Resources.Where(r => r.Name != "dovecot" && r is not ParameterResource).ToList())
                {
                    builder.Resources.Remove(other);
                }
            });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var state = await app.ResourceNotifications.WaitForResourceAsync(
                "dovecot", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
            Assert.NotEqual(0, state.Snapshot.ExitCode);

            await logs.WaitForLineAsync("dovecot", $"dovecot not found at '{missing}'", TimeSpan.FromSeconds(30));
            await logs.WaitForLineAsync("dovecot", "apt-get install dovecot-imapd", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await StackFixture.StopAsync(app, logs);
        }
    }
}
