using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Text;

namespace DKV.Serializers.Json;

/// <summary>
/// The <c>json</c> format, for debugging and for clients that want text: one JSON object with upstream dKV's property names,
/// the type and error code as names, byte fields as standard base64, null and default fields omitted. Layout in docs/serializers.md.
/// </summary>
/// <remarks>
/// Writing uses one cached <see cref="Utf8JsonWriter"/> per thread, reset onto the destination, so it allocates nothing after the
/// first call on a thread. Reading ignores unknown properties (skipping nested values up to <see cref="JsonTextSerializerOptions.MaxDepth"/>),
/// treats <c>null</c> like an absent property, and refuses duplicates. Thread-safe.
/// </remarks>
public sealed class JsonTextSerializer : IRpcSerializer
{
    public const string SerializerName = "json";

    private const string Format = "json";

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Relaxed: non-ASCII text is written as UTF-8, not \uXXXX; the payload is a protocol message, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly JsonReaderOptions _readerOptions;

    public JsonTextSerializer()
        : this(JsonTextSerializerOptions.Default)
    {
    }

    public JsonTextSerializer(JsonTextSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _readerOptions = new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
    }

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // Validate everything before the first byte is written, so a refused message leaves the destination untouched.
        ulong expireMs = DurationCodec.ToWire(message.ExpireIn);
        ulong deleteMs = DurationCodec.ToWire(message.DeleteIn);
        if (message.Key is not null)
        {
            StrictUtf8.GetByteCount(message.Key, Format, "key");
        }

        if (message.Error is not null)
        {
            StrictUtf8.GetByteCount(message.Error, Format, "error");
        }

        Utf8JsonWriter writer = t_writer ??= new Utf8JsonWriter(DetachedOutput.Instance, s_writerOptions);
        writer.Reset(destination);
        try
        {
            WriteObject(writer, message, expireMs, deleteMs);
            writer.Flush();
        }
        finally
        {
            // Do not keep the caller's buffer reachable from this thread.
            writer.Reset(DetachedOutput.Instance);
        }
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        var reader = new Utf8JsonReader(source, _readerOptions);
        try
        {
            return JsonMessageReader.Read(ref reader);
        }
        catch (JsonException ex)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"json message: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports text it cannot turn into a string (invalid UTF-8, lone surrogate escapes) this way.
            throw new DkvException(DkvErrorCode.MalformedMessage, $"json message: {ex.Message}", ex);
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, in Message message, ulong expireMs, ulong deleteMs)
    {
        writer.WriteStartObject();
        if (MessageTypes.IsDefined(message.Type))
        {
            writer.WriteString(JsonPropertyNames.Type, MessageTypes.ToName(message.Type));
        }
        else
        {
            writer.WriteNumber(JsonPropertyNames.Type, (byte)message.Type);
        }

        if (message.Key is { } key)
        {
            writer.WriteString(JsonPropertyNames.Key, key);
        }

        WriteNonZero(writer, JsonPropertyNames.ExpireIn, expireMs);
        WriteNonZero(writer, JsonPropertyNames.DeleteIn, deleteMs);
        if (message.Value is { } value)
        {
            writer.WriteBase64String(JsonPropertyNames.Value, value.Span);
        }

        if (message.Ok)
        {
            writer.WriteBoolean(JsonPropertyNames.Ok, true);
        }

        WriteNonZero(writer, JsonPropertyNames.Index, message.Index);
        if (message.ErrorCode != DkvErrorCode.None)
        {
            if (JsonMessageReader.IsNamedErrorCode(message.ErrorCode))
            {
                writer.WriteString(JsonPropertyNames.ErrorCode, DkvErrorCodes.ToName(message.ErrorCode));
            }
            else
            {
                writer.WriteNumber(JsonPropertyNames.ErrorCode, (byte)message.ErrorCode);
            }
        }

        if (message.Error is { } error)
        {
            writer.WriteString(JsonPropertyNames.Error, error);
        }

        if (message.Meta is { } meta)
        {
            writer.WriteBase64String(JsonPropertyNames.Meta, meta.Span);
        }

        writer.WriteEndObject();
    }

    private static void WriteNonZero(Utf8JsonWriter writer, JsonEncodedText name, ulong value)
    {
        if (value != 0)
        {
            writer.WriteNumber(name, value);
        }
    }

    /// <summary>Where the cached writer points between calls; it is never written to.</summary>
    private sealed class DetachedOutput : IBufferWriter<byte>
    {
        public static readonly DetachedOutput Instance = new();

        public void Advance(int count) => throw new InvalidOperationException("the json writer is not attached to a destination");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("the json writer is not attached to a destination");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("the json writer is not attached to a destination");
    }
}
