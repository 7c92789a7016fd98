namespace MailStack.Tests.Proxy;

/// <summary>
/// A proxy process with a database of its own: nothing else claims its messages, so its counters
/// and its timing are the test's alone. The stack's admin token works on it.
/// </summary>
public sealed class SoloProxy : IAsyncDisposable
{
    private readonly ScratchDatabase _database;
    private readonly ProxyInstance _instance;

    private SoloProxy(ScratchDatabase database, ProxyInstance instance, string adminToken)
    {
        _database = database;
        _instance = instance;
        Admin = instance.Client(adminToken);
    }

    public HttpClient Admin { get; }

    /// <param name="settings"><c>Proxy:Dispatch</c> settings on top of the stack's test settings.</param>
    public static async Task<SoloProxy> StartAsync(StackFixture stack, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var database = await ScratchDatabase.CreateAsync(stack, cancellationToken);
        try
        {
            return new SoloProxy(database, await ProxyInstance.StartAsync(stack, settings, cancellationToken, database.ConnectionString), stack.AdminToken);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _instance.DisposeAsync();
        await _database.DisposeAsync();
    }
}
