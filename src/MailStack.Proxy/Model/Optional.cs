using System.Text.Json.Serialization;

namespace MailStack.Proxy.Model;

/// <summary>
/// A field of a partial update: absent (leave the stored value) is kept apart from present —
/// present includes an explicit <c>null</c>, which clears the stored value.
/// </summary>
[JsonConverter(typeof(OptionalJsonConverterFactory))]
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    /// <summary>The value when present and not null.</summary>
    public bool TryGet([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
    {
        value = Value;
        return IsSet && Value is not null;
    }
}
