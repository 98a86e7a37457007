using System.Buffers.Binary;
using System.Text;
using DKV.Core.Errors;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// The log encoding of <see cref="KvCommand"/>: version byte, operation byte, then little-endian fields
/// (leader timestamp i64, expire-after ticks i64, delete-after ticks i64, client id u64, sequence u64, acknowledged-below u64)
/// and three length-prefixed (u32) byte strings: key (UTF-8), value, expected. Decoding checks every length against the buffer
/// before slicing. Version 1 (written before sessions had a window) lacks acknowledged-below; it still decodes, as 0.
/// </summary>
public static class KvCommandCodec
{
    /// <summary>The format version written by <see cref="Encode"/>.</summary>
    public const byte Version = 2;

    /// <summary>The first format version, without <see cref="KvCommand.AcknowledgedBelow"/>; still decoded.</summary>
    public const byte Version1 = 1;

    private const int FixedBytesV1 = 2 + (5 * 8) + (3 * 4);
    private const int FixedBytes = FixedBytesV1 + 8;

    /// <summary>The encoded size of <paramref name="command"/>.</summary>
    public static int GetEncodedLength(in KvCommand command) =>
        FixedBytes + Encoding.UTF8.GetByteCount(command.Key) + command.Value.Length + command.Expected.Length;

    /// <summary>Encodes <paramref name="command"/> into a new array, ready to propose.</summary>
    public static byte[] Encode(in KvCommand command)
    {
        var buffer = new byte[GetEncodedLength(command)];
        Encode(command, buffer);
        return buffer;
    }

    /// <summary>Encodes <paramref name="command"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The destination is too small or a duration is negative.</exception>
    public static int Encode(in KvCommand command, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(command.Key);
        ArgumentOutOfRangeException.ThrowIfLessThan(command.ExpireAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(command.DeleteAfter, TimeSpan.Zero);
        int length = GetEncodedLength(command);
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination has {destination.Length} bytes; the command needs {length}", nameof(destination));
        }

        destination[0] = Version;
        destination[1] = (byte)command.Operation;
        Span<byte> rest = destination[2..];
        BinaryPrimitives.WriteInt64LittleEndian(rest, command.LeaderTimestampUtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(rest[8..], command.ExpireAfter.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(rest[16..], command.DeleteAfter.Ticks);
        BinaryPrimitives.WriteUInt64LittleEndian(rest[24..], command.ClientId);
        BinaryPrimitives.WriteUInt64LittleEndian(rest[32..], command.Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(rest[40..], command.AcknowledgedBelow);
        rest = rest[48..];
        int keyBytes = Encoding.UTF8.GetBytes(command.Key, rest[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(rest, (uint)keyBytes);
        rest = rest[(4 + keyBytes)..];
        rest = WriteBytes(rest, command.Value.Span);
        WriteBytes(rest, command.Expected.Span);
        return length;
    }

    /// <summary>
    /// Decodes a command. <see cref="KvCommand.Value"/> and <see cref="KvCommand.Expected"/> are slices of <paramref name="source"/>
    /// (no copy), so the source must stay unchanged while the command is in use.
    /// </summary>
    /// <exception cref="DkvException">The bytes are not a valid command (<see cref="DkvErrorCode.Corrupt"/>).</exception>
    public static KvCommand Decode(ReadOnlyMemory<byte> source)
    {
        ReadOnlySpan<byte> span = source.Span;
        if (span.Length < FixedBytesV1)
        {
            throw Corrupt($"{span.Length} bytes is shorter than the minimum {FixedBytesV1}");
        }

        if (span[0] is not Version and not Version1)
        {
            throw Corrupt($"format version {span[0]} is unknown (expected {Version1} or {Version})");
        }

        int fixedBytes = span[0] == Version ? FixedBytes : FixedBytesV1;
        if (span.Length < fixedBytes)
        {
            throw Corrupt($"{span.Length} bytes is shorter than the minimum {fixedBytes} of version {span[0]}");
        }

        var operation = (KvOperation)span[1];
        if (operation is < KvOperation.Set or > KvOperation.CompareAndDelete)
        {
            throw Corrupt($"operation {span[1]} is unknown");
        }

        long timestamp = BinaryPrimitives.ReadInt64LittleEndian(span[2..]);
        long expireTicks = BinaryPrimitives.ReadInt64LittleEndian(span[10..]);
        long deleteTicks = BinaryPrimitives.ReadInt64LittleEndian(span[18..]);
        ulong clientId = BinaryPrimitives.ReadUInt64LittleEndian(span[26..]);
        ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(span[34..]);
        if (expireTicks < 0 || deleteTicks < 0)
        {
            throw Corrupt($"a duration is negative ({expireTicks}, {deleteTicks} ticks)");
        }

        ulong acknowledgedBelow = span[0] == Version ? BinaryPrimitives.ReadUInt64LittleEndian(span[42..]) : 0;
        int offset = fixedBytes - (3 * 4);
        ReadOnlyMemory<byte> key = ReadBytes(source, ref offset);
        ReadOnlyMemory<byte> value = ReadBytes(source, ref offset);
        ReadOnlyMemory<byte> expected = ReadBytes(source, ref offset);
        if (offset != span.Length)
        {
            throw Corrupt($"{span.Length - offset} bytes follow the command");
        }

        return new KvCommand(operation, Encoding.UTF8.GetString(key.Span), value, expected,
            TimeSpan.FromTicks(expireTicks), TimeSpan.FromTicks(deleteTicks), timestamp, clientId, sequence, acknowledgedBelow);
    }

    private static Span<byte> WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)bytes.Length);
        bytes.CopyTo(destination[4..]);
        return destination[(4 + bytes.Length)..];
    }

    private static ReadOnlyMemory<byte> ReadBytes(ReadOnlyMemory<byte> source, ref int offset)
    {
        if (source.Length - offset < 4)
        {
            throw Corrupt($"a length prefix at offset {offset} is cut off");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source.Span[offset..]);
        offset += 4;
        if (length > (uint)(source.Length - offset))
        {
            throw Corrupt($"a field of {length} bytes at offset {offset} runs past the end ({source.Length} bytes)");
        }

        ReadOnlyMemory<byte> field = source.Slice(offset, (int)length);
        offset += (int)length;
        return field;
    }

    private static DkvException Corrupt(string what) =>
        new(DkvErrorCode.Corrupt, $"replicated KV command is corrupt: {what}; the log entry was damaged or written by an incompatible version");
}
