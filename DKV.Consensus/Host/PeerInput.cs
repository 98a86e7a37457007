using DKV.Consensus.Raft;

namespace DKV.Consensus.Host;

/// <summary>Something the peer network reported, queued for the event loop.</summary>
internal readonly record struct PeerInput(PeerInputKind Kind, RaftMessage? Message, ulong GroupId, ulong Peer, bool Succeeded)
{
    public static PeerInput Raft(RaftMessage message) => new(PeerInputKind.Message, message, message.GroupId, message.From, true);

    public static PeerInput Unreachable(ulong peer) => new(PeerInputKind.Unreachable, null, 0, peer, false);

    public static PeerInput SnapshotSent(ulong groupId, ulong peer, bool succeeded) => new(PeerInputKind.SnapshotSent, null, groupId, peer, succeeded);
}
