using System.Buffers.Binary;
using DKV.Consensus.StateMachine;
using DKV.Core.Errors;

namespace DKV.Consensus.Host;

/// <summary>
/// Writes the leader's timestamp into an encoded <see cref="KvCommand"/> in place, just before the leader proposes it, so
/// every replica derives TTL deadlines from the same instant. The layout is <see cref="KvCommandCodec"/>'s: a version byte,
/// an operation byte, then the leader timestamp (i64, little-endian).
/// </summary>
internal static class LeaderStamp
{
    private const int TimestampOffset = 2;

    /// <summary>Stamps <paramref name="utcTicks"/> into <paramref name="command"/>.</summary>
    /// <exception cref="DkvException">The bytes are not an encoded command of a known version (MalformedMessage).</exception>
    public static void Apply(Span<byte> command, long utcTicks)
    {
        if (command.Length < TimestampOffset + sizeof(long) || command[0] is < KvCommandCodec.Version1 or > KvCommandCodec.Version)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage,
                $"a proposed command of {command.Length} bytes is not a KV command of version {KvCommandCodec.Version1} to {KvCommandCodec.Version}; the proposing node runs an incompatible version");
        }

        BinaryPrimitives.WriteInt64LittleEndian(command[TimestampOffset..], utcTicks);
    }
}
