namespace MailStack.Tests.Proxy.Client;

/// <summary>The body the proxy posts to a tenant's sync path: <c>{"delivery_report":[…]}</c>.</summary>
public sealed record DeliveryReportBody(IReadOnlyList<DeliveryReportItem> DeliveryReport);
