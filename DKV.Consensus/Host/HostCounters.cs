namespace DKV.Consensus.Host;

/// <summary>Diagnostics of one node host's event loop, written only by the loop (other threads read them racily).</summary>
internal sealed class HostCounters
{
    /// <summary>Iterations that handled at least one ready batch.</summary>
    public long Batches { get; set; }

    /// <summary>Write-ahead log syncs (one per iteration that had something to make durable).</summary>
    public long Syncs { get; set; }

    /// <summary>Time spent waiting for syncs, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long SyncTicks { get; set; }

    /// <summary>Entries proposed by this node as leader.</summary>
    public long Proposed { get; set; }

    /// <summary>Committed entries applied.</summary>
    public long Applied { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"batches {Batches} syncs {Syncs} sync-ms/avg {(Syncs == 0 ? 0 : SyncTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency / Syncs):F2} proposed {Proposed} applied {Applied}";
}
