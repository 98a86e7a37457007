using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// Reassembles one snapshot transfer on the receiving side: chunks must arrive in order on one connection, the declared
/// size is checked against the limit before the buffer is allocated, and the message is decoded once all data is in.
/// Not thread-safe: owned by one connection's read loop.
/// </summary>
internal sealed class SnapshotAssembly
{
    private readonly byte[] _header;
    private readonly byte[] _data;
    private int _received;

    private SnapshotAssembly(ulong transferId, byte[] header, byte[] data)
    {
        TransferId = transferId;
        _header = header;
        _data = data;
    }

    public ulong TransferId { get; }

    /// <summary>Starts a transfer from its first chunk; <paramref name="groupId"/> names the group even when it is refused.</summary>
    /// <returns>Null when the snapshot is larger than <paramref name="maxSnapshotBytes"/> (refused).</returns>
    public static SnapshotAssembly? Start(ulong transferId, ulong totalBytes, ReadOnlySpan<byte> messageHeader, long maxSnapshotBytes, out ulong groupId)
    {
        RaftMessage header = RaftMessageCodec.Decode(messageHeader, out int consumed, ReadOnlyMemory<byte>.Empty);
        if (consumed != messageHeader.Length || header.Type != RaftMessageType.InstallSnapshot || header.Snapshot is null)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"snapshot transfer {transferId} starts with a {header.Type} header of {consumed} of {messageHeader.Length} bytes, not an install-snapshot message");
        }

        groupId = header.GroupId;
        if (totalBytes > (ulong)Math.Min(maxSnapshotBytes, Array.MaxLength))
        {
            return null;
        }

        return new SnapshotAssembly(transferId, messageHeader.ToArray(), GC.AllocateUninitializedArray<byte>((int)totalBytes));
    }

    /// <summary>Adds the chunk at <paramref name="offset"/>; returns the whole message once the last byte is in.</summary>
    public RaftMessage? Add(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset != (ulong)_received || data.Length > _data.Length - _received)
        {
            throw new DkvException(
                DkvErrorCode.MalformedMessage,
                $"snapshot transfer {TransferId}: a chunk of {data.Length} bytes at offset {offset} does not follow the {_received} of {_data.Length} bytes received");
        }

        data.CopyTo(_data.AsSpan(_received));
        _received += data.Length;
        return _received == _data.Length ? RaftMessageCodec.Decode(_header, out _, _data) : null;
    }
}
