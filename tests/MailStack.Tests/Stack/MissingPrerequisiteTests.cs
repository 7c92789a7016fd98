namespace MailStack.Tests.Stack;

public sealed class MissingPrerequisiteTests
{
    [Fact]
    public async Task Missing_dovecot_binary_fails_that_resource_with_a_named_error_while_the_rest_starts()
    {
        var missing = $"/nonexistent/{Guid.NewGuid():N}/dovecot";
        var (app, logs) = await StackFixture.StartAsync(
            ["MailStack:Infrastructure=local", $"MailStack:Local:DovecotPath={missing}"],
            healthy: ["maildb", "objects", "sink-tenant1", "proxy"]);
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
