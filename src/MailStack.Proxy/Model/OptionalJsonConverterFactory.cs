using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailStack.Proxy.Model;

/// <summary>Reads <see cref="Optional{T}"/>: called only for properties present in the JSON, null included.</summary>
public sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        /// <summary>
        /// A scalar is read through T's own converter, so an error keeps the property's path (<c>$.retention_seconds</c>);
        /// an object through the serializer, so an error names the field inside it (<c>$.action</c>).
        /// </summary>
        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType switch
            {
                JsonTokenType.Null => new(true, default!),
                JsonTokenType.StartObject => new(true, JsonSerializer.Deserialize<T>(ref reader, options)!),
                _ => new(true, ((JsonConverter<T>)options.GetConverter(typeof(T))).Read(ref reader, typeof(T), options)!),
            };

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.IsSet ? value.Value : default, options);
    }
}
