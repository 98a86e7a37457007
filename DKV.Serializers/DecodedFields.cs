using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Serializers;

/// <summary>
/// A message's fields gathered while reading a keyed format (MessagePack map, JSON object) in any order, with the set of field
/// numbers already seen (a key appearing twice is malformed).
/// </summary>
internal struct DecodedFields
{
    public int Seen;
    public MessageType Type;
    public string? Key;
    public TimeSpan ExpireIn;
    public TimeSpan DeleteIn;
    public byte[]? Value;
    public bool Ok;
    public ulong Index;
    public DkvErrorCode ErrorCode;
    public string? Error;
    public byte[]? Meta;

    public readonly Message ToMessage() => new()
    {
        Type = Type,
        Key = Key,
        ExpireIn = ExpireIn,
        DeleteIn = DeleteIn,
        Value = ToMemory(Value),
        Ok = Ok,
        Index = Index,
        ErrorCode = ErrorCode,
        Error = Error,
        Meta = ToMemory(Meta),
    };

    // Explicit: the implicit byte[] to ReadOnlyMemory conversion turns a null array into an empty, present value.
    private static ReadOnlyMemory<byte>? ToMemory(byte[]? bytes) => bytes is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(bytes);
}
