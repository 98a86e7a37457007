namespace DKV.Simulation;

/// <summary>What a scheduled simulator event does.</summary>
internal enum SimEventKind
{
    /// <summary>A node's Raft tick.</summary>
    NodeTick,

    /// <summary>A node's pending fsync completes.</summary>
    SyncDone,

    /// <summary>A message arrives (Raft message, client request or client response).</summary>
    Deliver,

    /// <summary>A crashed node restarts.</summary>
    Restart,

    /// <summary>Cluster-level fault decisions (partition, heal, crash), once per tick.</summary>
    FaultTick,

    /// <summary>A client starts its next operation.</summary>
    ClientIssue,

    /// <summary>A client resends after a redirect.</summary>
    ClientRetry,

    /// <summary>A client's attempt times out.</summary>
    ClientTimeout,
}
