using DKV.Core.Errors;

namespace DKV.Serializers.MessagePack;

/// <summary>Limits of the <c>msgpack</c> serializer when reading untrusted input.</summary>
public sealed record MessagePackSerializerOptions
{
    /// <summary>The default options.</summary>
    public static readonly MessagePackSerializerOptions Default = new();

    /// <summary>
    /// How deeply arrays and maps may nest inside an unknown map entry that is being skipped (the message map itself is level 0).
    /// Between 1 and 256; default 32.
    /// </summary>
    public int MaxNestingDepth { get; init; } = 32;

    /// <summary>Throws <see cref="DkvErrorCode.InvalidArgument"/> when a limit is out of range.</summary>
    public void Validate()
    {
        if (MaxNestingDepth is < 1 or > 256)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"msgpack MaxNestingDepth {MaxNestingDepth} is out of range; use a value from 1 to 256 (default 32)");
        }
    }
}
