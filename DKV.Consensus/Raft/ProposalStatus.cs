namespace DKV.Consensus.Raft;

/// <summary>The outcome of handing a request (proposal, read index, leader transfer) to the core.</summary>
public enum ProposalStatus : byte
{
    /// <summary>Accepted; the result appears in a later <see cref="Ready"/>.</summary>
    Accepted = 0,

    /// <summary>This node is not the leader (the request was not taken). Nothing was applied; retry at the leader.</summary>
    NotLeader = 1,

    /// <summary>No leader is known right now. Nothing was applied; retry later.</summary>
    NoLeader = 2,

    /// <summary>A configured bound (uncommitted bytes, pending reads) is full. Nothing was applied; retry after back-off.</summary>
    Overloaded = 3,

    /// <summary>A leader transfer is in progress, during which proposals are refused. Nothing was applied; retry at the new leader.</summary>
    TransferInProgress = 4,

    /// <summary>The request is invalid (for example transfer to a non-member). Nothing was applied.</summary>
    Rejected = 5,
}
