using DKV.Consensus.Raft;

namespace DKV.Consensus.Peers;

/// <summary>What a node does with what its peers send. Called from the network's threads; no method may block.</summary>
public interface IPeerHandler
{
    /// <summary>A Raft message arrived (a snapshot only once all of its chunks have).</summary>
    void OnRaftMessage(RaftMessage message);

    /// <summary>The connection to <paramref name="peerId"/> failed; queued messages to it were dropped.</summary>
    void OnPeerUnreachable(ulong peerId);

    /// <summary>A snapshot for group <paramref name="groupId"/> was delivered to <paramref name="to"/>, or failed.</summary>
    void OnSnapshotSent(ulong groupId, ulong to, bool succeeded);

    /// <summary>A peer's request; the returned reply goes back to it.</summary>
    ValueTask<PeerReply> OnRequestAsync(ulong from, PeerRequest request, CancellationToken cancellationToken);
}
