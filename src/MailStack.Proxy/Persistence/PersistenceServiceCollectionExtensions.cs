namespace MailStack.Proxy.Persistence;

/// <summary>The stores and the schema migrator; the <c>NpgsqlDataSource</c> they use is registered by the host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddProxyPersistence(this IServiceCollection services)
    {
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<MessageQueue>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<SendLog>();
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<BounceStore>();
        services.AddSingleton<DatabaseProbe>();
        services.AddHostedService<DatabaseStartupProbe>();
        return services;
    }
}
