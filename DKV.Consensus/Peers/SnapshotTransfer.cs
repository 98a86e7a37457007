using DKV.Consensus.Raft;

namespace DKV.Consensus.Peers;

/// <summary>A snapshot being sent in chunks (owned by the sending link's writer loop).</summary>
internal sealed class SnapshotTransfer
{
    public SnapshotTransfer(ulong transferId, RaftMessage message, byte[] header)
    {
        TransferId = transferId;
        Message = message;
        Header = header;
        Data = message.Snapshot!.Data;
    }

    public ulong TransferId { get; }

    public RaftMessage Message { get; }

    /// <summary>The message encoded without its snapshot data; sent in the first chunk.</summary>
    public byte[] Header { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Data bytes already written.</summary>
    public int Offset { get; set; }
}
