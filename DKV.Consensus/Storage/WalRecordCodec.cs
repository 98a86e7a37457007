using System.Buffers;
using System.Buffers.Binary;
using DKV.Consensus.Raft;
using DKV.Core.Hashing;

namespace DKV.Consensus.Storage;

/// <summary>
/// The record layout <c>[u32 payload length][u32 crc32c(type + payload)][u8 type][payload]</c>, little-endian, and the payloads
/// of each <see cref="WalRecordType"/>.
/// </summary>
internal static class WalRecordCodec
{
    internal const int HeaderBytes = 9;
    private const int EntryHeaderBytes = 21;

    internal static int EntriesPayloadBytes(ReadOnlySpan<LogEntry> entries)
    {
        long size = 12;
        foreach (LogEntry entry in entries)
        {
            size += EntryHeaderBytes + entry.Data.Length;
        }

        return size > int.MaxValue ? int.MaxValue : (int)size;
    }

    internal static void WriteHardState(ArrayBufferWriter<byte> output, ulong groupId, HardState state)
    {
        Span<byte> payload = Begin(output, WalRecordType.HardState, 32);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, groupId);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], state.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[16..], state.Vote);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[24..], state.Commit);
        Finish(output, 32);
    }

    internal static void WriteMarker(ArrayBufferWriter<byte> output, ulong groupId, WalSnapshotMarker marker)
    {
        Span<byte> payload = Begin(output, WalRecordType.SnapshotMarker, 33);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, groupId);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], marker.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[16..], marker.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[24..], marker.FirstKeptIndex);
        payload[32] = marker.ReplacesLog ? (byte)1 : (byte)0;
        Finish(output, 33);
    }

    internal static void WriteEntries(ArrayBufferWriter<byte> output, ulong groupId, ReadOnlySpan<LogEntry> entries, int payloadBytes)
    {
        Span<byte> payload = Begin(output, WalRecordType.Entries, payloadBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, groupId);
        BinaryPrimitives.WriteInt32LittleEndian(payload[8..], entries.Length);
        int at = 12;
        foreach (LogEntry entry in entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(payload[at..], entry.Index);
            BinaryPrimitives.WriteUInt64LittleEndian(payload[(at + 8)..], entry.Term);
            payload[at + 16] = (byte)entry.Type;
            BinaryPrimitives.WriteInt32LittleEndian(payload[(at + 17)..], entry.Data.Length);
            entry.Data.Span.CopyTo(payload[(at + EntryHeaderBytes)..]);
            at += EntryHeaderBytes + entry.Data.Length;
        }

        Finish(output, payloadBytes);
    }

    /// <summary>Decodes a hard-state payload; false when the payload has the wrong size.</summary>
    internal static bool TryReadHardState(ReadOnlySpan<byte> payload, out ulong groupId, out HardState state)
    {
        groupId = 0;
        state = default;
        if (payload.Length != 32)
        {
            return false;
        }

        groupId = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        state = new HardState(
            BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(payload[24..]));
        return true;
    }

    /// <summary>Decodes a snapshot-marker payload; false when malformed.</summary>
    internal static bool TryReadMarker(ReadOnlySpan<byte> payload, out ulong groupId, out WalSnapshotMarker marker)
    {
        groupId = 0;
        marker = default;
        if (payload.Length != 33 || payload[32] > 1)
        {
            return false;
        }

        groupId = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        marker = new WalSnapshotMarker(
            BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(payload[24..]),
            payload[32] == 1);
        return true;
    }

    /// <summary>Decodes an entries payload into fresh memory; false when malformed (counts or lengths do not add up).</summary>
    internal static bool TryReadEntries(ReadOnlySpan<byte> payload, out ulong groupId, out LogEntry[] entries)
    {
        groupId = 0;
        entries = [];
        if (payload.Length < 12)
        {
            return false;
        }

        groupId = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        int count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        if (count < 0 || count > (payload.Length - 12) / EntryHeaderBytes)
        {
            return false;
        }

        var result = new LogEntry[count];
        int at = 12;
        for (int i = 0; i < count; i++)
        {
            if (payload.Length - at < EntryHeaderBytes)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(payload[(at + 17)..]);
            if (length < 0 || length > payload.Length - at - EntryHeaderBytes)
            {
                return false;
            }

            byte[] data = payload.Slice(at + EntryHeaderBytes, length).ToArray();
            result[i] = new LogEntry(
                BinaryPrimitives.ReadUInt64LittleEndian(payload[at..]),
                BinaryPrimitives.ReadUInt64LittleEndian(payload[(at + 8)..]),
                (EntryType)payload[at + 16],
                data);
            at += EntryHeaderBytes + length;
        }

        entries = result;
        return at == payload.Length;
    }

    /// <summary>The checksum stored in a record header: CRC32C over the type byte and the payload.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> typeAndPayload) => Crc32C.Compute(typeAndPayload);

    private static Span<byte> Begin(ArrayBufferWriter<byte> output, WalRecordType type, int payloadBytes)
    {
        Span<byte> span = output.GetSpan(HeaderBytes + payloadBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payloadBytes);
        span[8] = (byte)type;
        return span.Slice(HeaderBytes, payloadBytes);
    }

    private static void Finish(ArrayBufferWriter<byte> output, int payloadBytes)
    {
        Span<byte> span = output.GetSpan(HeaderBytes + payloadBytes);
        uint crc = Checksum(span.Slice(8, 1 + payloadBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], crc);
        output.Advance(HeaderBytes + payloadBytes);
    }
}
