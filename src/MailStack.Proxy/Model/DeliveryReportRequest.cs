namespace MailStack.Proxy.Model;

/// <summary>The body POSTed to a tenant's sync endpoint: <c>{"delivery_report":[…]}</c>; an empty list is a heartbeat.</summary>
public sealed record DeliveryReportRequest(IReadOnlyList<DeliveryReportItem> DeliveryReport);
