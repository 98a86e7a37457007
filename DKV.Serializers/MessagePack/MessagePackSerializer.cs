using System.Buffers;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Text;

namespace DKV.Serializers.MessagePack;

/// <summary>
/// The <c>msgpack</c> format: the message as one MessagePack map with one-letter str keys, so any MessagePack library reads it
/// as a plain object. Layout in docs/serializers.md. Serializing allocates nothing; deserializing allocates only the strings and byte fields.
/// </summary>
/// <remarks>
/// A map rather than an array because fields are optional: an absent key is a null or default field, so a missing value and an
/// empty one stay distinct without positional nil placeholders, readers skip keys they do not know (new fields can be added
/// without breaking old peers), and a generic decoder shows named fields. The cost is two bytes per present field.
/// Keys (in this order when written): <c>t</c> type, <c>k</c> key, <c>e</c> expireIn ms, <c>d</c> deleteIn ms, <c>v</c> value,
/// <c>o</c> ok, <c>i</c> index, <c>c</c> error code, <c>r</c> error text, <c>m</c> meta. Thread-safe and stateless.
/// </remarks>
public sealed class MessagePackSerializer : IRpcSerializer
{
    public const string SerializerName = "msgpack";

    private const string Format = "msgpack";
    private const byte KeyType = (byte)'t';
    private const byte KeyKey = (byte)'k';
    private const byte KeyExpireIn = (byte)'e';
    private const byte KeyDeleteIn = (byte)'d';
    private const byte KeyValue = (byte)'v';
    private const byte KeyOk = (byte)'o';
    private const byte KeyIndex = (byte)'i';
    private const byte KeyErrorCode = (byte)'c';
    private const byte KeyError = (byte)'r';
    private const byte KeyMeta = (byte)'m';

    private readonly int _maxNestingDepth;

    public MessagePackSerializer()
        : this(MessagePackSerializerOptions.Default)
    {
    }

    public MessagePackSerializer(MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _maxNestingDepth = options.MaxNestingDepth;
    }

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ulong expireMs = DurationCodec.ToWire(message.ExpireIn);
        ulong deleteMs = DurationCodec.ToWire(message.DeleteIn);
        int keyBytes = message.Key is null ? 0 : StrictUtf8.GetByteCount(message.Key, Format, "key");
        int errorBytes = message.Error is null ? 0 : StrictUtf8.GetByteCount(message.Error, Format, "error");

        // Each entry costs two bytes for its fixstr key plus its value.
        int count = 1;
        int size = 1 + 2 + MessagePackSpanWriter.SizeOfUInt((byte)message.Type);
        if (message.Key is not null)
        {
            count++;
            size += 2 + MessagePackSpanWriter.SizeOfStrHeader(keyBytes) + keyBytes;
        }

        AddUInt(expireMs, ref count, ref size);
        AddUInt(deleteMs, ref count, ref size);
        AddBin(message.Value, ref count, ref size);
        if (message.Ok)
        {
            count++;
            size += 3;
        }

        AddUInt(message.Index, ref count, ref size);
        AddUInt((byte)message.ErrorCode, ref count, ref size);
        if (message.Error is not null)
        {
            count++;
            size += 2 + MessagePackSpanWriter.SizeOfStrHeader(errorBytes) + errorBytes;
        }

        AddBin(message.Meta, ref count, ref size);

        var writer = new MessagePackSpanWriter(destination.GetSpan(size));
        writer.WriteFixMapHeader(count);
        writer.WriteKey(KeyType);
        writer.WriteUInt((byte)message.Type);
        if (message.Key is { } key)
        {
            writer.WriteKey(KeyKey);
            WriteStr(ref writer, key, keyBytes);
        }

        WriteUIntEntry(ref writer, KeyExpireIn, expireMs);
        WriteUIntEntry(ref writer, KeyDeleteIn, deleteMs);
        WriteBinEntry(ref writer, KeyValue, message.Value);
        if (message.Ok)
        {
            writer.WriteKey(KeyOk);
            writer.WriteBool(true);
        }

        WriteUIntEntry(ref writer, KeyIndex, message.Index);
        WriteUIntEntry(ref writer, KeyErrorCode, (byte)message.ErrorCode);
        if (message.Error is { } error)
        {
            writer.WriteKey(KeyError);
            WriteStr(ref writer, error, errorBytes);
        }

        WriteBinEntry(ref writer, KeyMeta, message.Meta);
        destination.Advance(writer.Written);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        var reader = new MessagePackSpanReader(source, _maxNestingDepth);
        uint count = reader.ReadMapHeader("message");
        var fields = default(DecodedFields);
        for (uint i = 0; i < count; i++)
        {
            bool isStr = reader.TryReadStrBytes(out ReadOnlySpan<byte> name);
            if (!isStr || name.Length != 1)
            {
                // Not one of ours (a non-str or longer key): skip the key if not yet read, then its value, whatever they hold.
                if (!isStr)
                {
                    reader.Skip("unknown map key");
                }

                reader.Skip("value of an unknown map key");
                continue;
            }

            ReadField(ref reader, name[0], ref fields);
        }

        reader.EnsureEnd();
        return fields.ToMessage();
    }

    private static void ReadField(ref MessagePackSpanReader reader, byte key, ref DecodedFields fields)
    {
        int bit = key switch
        {
            KeyType => 0,
            KeyKey => 1,
            KeyExpireIn => 2,
            KeyDeleteIn => 3,
            KeyValue => 4,
            KeyOk => 5,
            KeyIndex => 6,
            KeyErrorCode => 7,
            KeyError => 8,
            KeyMeta => 9,
            _ => -1,
        };
        if (bit < 0)
        {
            reader.Skip("value of an unknown map key");
            return;
        }

        if ((fields.Seen & (1 << bit)) != 0)
        {
            throw MessagePackSpanReader.Malformed($"map key '{(char)key}' appears twice");
        }

        fields.Seen |= 1 << bit;
        if (reader.TryReadNil())
        {
            return; // nil is the same as an absent key: null or the default
        }

        switch (key)
        {
            case KeyType:
                fields.Type = (MessageType)ReadByteSized(ref reader, "type (t)");
                break;
            case KeyKey:
                fields.Key = reader.ReadString("key (k)");
                break;
            case KeyExpireIn:
                fields.ExpireIn = DurationCodec.FromWire(reader.ReadUInt("expireIn (e)"));
                break;
            case KeyDeleteIn:
                fields.DeleteIn = DurationCodec.FromWire(reader.ReadUInt("deleteIn (d)"));
                break;
            case KeyValue:
                fields.Value = reader.ReadBin("value (v)");
                break;
            case KeyOk:
                fields.Ok = reader.ReadBool("ok (o)");
                break;
            case KeyIndex:
                fields.Index = reader.ReadUInt("index (i)");
                break;
            case KeyErrorCode:
                fields.ErrorCode = (DkvErrorCode)ReadByteSized(ref reader, "error code (c)");
                break;
            case KeyError:
                fields.Error = reader.ReadString("error (r)");
                break;
            default:
                fields.Meta = reader.ReadBin("meta (m)");
                break;
        }
    }

    private static byte ReadByteSized(ref MessagePackSpanReader reader, string field)
    {
        ulong value = reader.ReadUInt(field);
        if (value > byte.MaxValue)
        {
            throw MessagePackSpanReader.Malformed($"{field} is {value}; codes are 0 to 255");
        }

        return (byte)value;
    }

    private static void AddUInt(ulong value, ref int count, ref int size)
    {
        if (value != 0)
        {
            count++;
            size += 2 + MessagePackSpanWriter.SizeOfUInt(value);
        }
    }

    private static void AddBin(ReadOnlyMemory<byte>? bytes, ref int count, ref int size)
    {
        if (bytes is { } b)
        {
            count++;
            size += 2 + MessagePackSpanWriter.SizeOfBinHeader(b.Length) + b.Length;
        }
    }

    private static void WriteUIntEntry(ref MessagePackSpanWriter writer, byte key, ulong value)
    {
        if (value != 0)
        {
            writer.WriteKey(key);
            writer.WriteUInt(value);
        }
    }

    private static void WriteBinEntry(ref MessagePackSpanWriter writer, byte key, ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is { } b)
        {
            writer.WriteKey(key);
            writer.WriteBin(b.Span);
        }
    }

    private static void WriteStr(ref MessagePackSpanWriter writer, string text, int byteCount)
    {
        writer.WriteStrHeader(byteCount);
        writer.Skip(StrictUtf8.GetBytes(text, writer.Rest));
    }
}
