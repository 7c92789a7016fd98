namespace MailStack.Proxy.Apis;

/// <summary>Where a tenant-scoped route names its tenant.</summary>
public sealed record TenantSource(TenantSource.Location From, string Name, bool Required = true)
{
    public enum Location
    {
        Route,
        Query,
        Body,
    }

    public static TenantSource Route(string name) => new(Location.Route, name);

    public static TenantSource Query(string name, bool required = true) => new(Location.Query, name, required);

    public static TenantSource Body(string name) => new(Location.Body, name);

    public string[] Loc => [From switch { Location.Route => "path", Location.Query => "query", _ => "body" }, Name];
}
