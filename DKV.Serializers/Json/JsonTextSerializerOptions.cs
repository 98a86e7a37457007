using DKV.Core.Errors;

namespace DKV.Serializers.Json;

/// <summary>Limits of the <c>json</c> serializer when reading untrusted input.</summary>
public sealed record JsonTextSerializerOptions
{
    /// <summary>The default options.</summary>
    public static readonly JsonTextSerializerOptions Default = new();

    /// <summary>
    /// How deeply objects and arrays may nest, counting the message object as level 1 (unknown properties may hold nested values).
    /// Between 1 and 64; default 16.
    /// </summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>Throws <see cref="DkvErrorCode.InvalidArgument"/> when a limit is out of range.</summary>
    public void Validate()
    {
        if (MaxDepth is < 1 or > 64)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"json MaxDepth {MaxDepth} is out of range; use a value from 1 to 64 (default 16)");
        }
    }
}
