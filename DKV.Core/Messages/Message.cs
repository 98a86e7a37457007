using DKV.Core.Errors;

namespace DKV.Core.Messages;

/// <summary>
/// One request or response of the RPC protocol (upstream's Message, extended). A value type so the hot path allocates nothing
/// for the envelope; byte fields refer to memory the sender or the decoder owns.
/// </summary>
/// <remarks>
/// Field use per operation (request → response):
/// <list type="table">
/// <item><term>set</term><description>Key, Value → Index</description></item>
/// <item><term>setE / setEIfUnset</term><description>Key, Value, ExpireIn, DeleteIn → Ok (applied), Index</description></item>
/// <item><term>compareAndSetE</term><description>Key, Meta = expected, Value, ExpireIn, DeleteIn → Ok, Index</description></item>
/// <item><term>expire / delete</term><description>Key → Ok (key was there), Index</description></item>
/// <item><term>compareAndDelete</term><description>Key, Value = expected → Ok, Index</description></item>
/// <item><term>get</term><description>Key → Ok (found), Value, Index</description></item>
/// <item><term>has</term><description>Key → Ok</description></item>
/// <item><term>acquire</term><description>Key, DeleteIn = ttl, ExpireIn = how long to wait (0 = try once), Value = owner id (empty: server picks) → Ok, Value = owner, Index = fencing token</description></item>
/// <item><term>release</term><description>Key, Value = owner → Ok</description></item>
/// <item><term>refresh</term><description>Key, Value = owner, DeleteIn = ttl → Ok, Value = owner, Index = fencing token</description></item>
/// <item><term>dbInfo</term><description>(nothing) → Value = UTF-8 JSON of the store info</description></item>
/// <item><term>any failure</term><description>→ ErrorCode, Error (message); type echoes the request, or <see cref="MessageType.Error"/></description></item>
/// </list>
/// Durations are carried as whole milliseconds on the wire. <see cref="Value"/> and <see cref="Meta"/> distinguish missing (null) from empty.
/// </remarks>
public readonly record struct Message
{
    public MessageType Type { get; init; }

    public string? Key { get; init; }

    public TimeSpan ExpireIn { get; init; }

    public TimeSpan DeleteIn { get; init; }

    public ReadOnlyMemory<byte>? Value { get; init; }

    public bool Ok { get; init; }

    public ulong Index { get; init; }

    public DkvErrorCode ErrorCode { get; init; }

    public string? Error { get; init; }

    public ReadOnlyMemory<byte>? Meta { get; init; }

    /// <summary>True when this is a failure response.</summary>
    public bool IsError => ErrorCode != DkvErrorCode.None || Type == MessageType.Error;

    /// <summary>A failure response for a request of type <paramref name="requestType"/>.</summary>
    public static Message Failure(MessageType requestType, DkvErrorCode code, string error) =>
        new() { Type = requestType, ErrorCode = code == DkvErrorCode.None ? DkvErrorCode.Internal : code, Error = error };

    /// <summary>
    /// Compares field by field, byte fields by content (the generated equality compares memory by reference).
    /// Used by tests and by anything that must check a round trip.
    /// </summary>
    public bool ContentEquals(in Message other) =>
        Type == other.Type
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && ExpireIn == other.ExpireIn
        && DeleteIn == other.DeleteIn
        && BytesEqual(Value, other.Value)
        && Ok == other.Ok
        && Index == other.Index
        && ErrorCode == other.ErrorCode
        && string.Equals(Error, other.Error, StringComparison.Ordinal)
        && BytesEqual(Meta, other.Meta);

    private static bool BytesEqual(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a.HasValue == b.HasValue && (!a.HasValue || a.GetValueOrDefault().Span.SequenceEqual(b.GetValueOrDefault().Span));
}
