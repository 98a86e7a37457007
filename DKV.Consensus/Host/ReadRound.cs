namespace DKV.Consensus.Host;

/// <summary>
/// One ReadIndex round of one group: every read that arrived while the previous round was outstanding joins it, and all of
/// them continue together once the group has applied through the confirmed index.
/// </summary>
internal sealed class ReadRound
{
    // Every reader's continuation runs inline, one after another, on the thread that completes the round (a CompletionBatch work item).
    private readonly TaskCompletionSource _done = new();
    private int _readers;

    public ReadRound(long createdTimestamp)
    {
        CreatedTimestamp = createdTimestamp;
    }

    /// <summary>When the first reader joined (<see cref="TimeProvider.GetTimestamp"/>); the round fails after the request timeout.</summary>
    public long CreatedTimestamp { get; }

    /// <summary>The context of the core request currently asking for this round (changes when the round is re-issued).</summary>
    public ulong Context { get; set; }

    /// <summary>The tick count when the current request was issued, to re-issue one that went unanswered.</summary>
    public long IssuedAtTick { get; set; }

    /// <summary>The confirmed read index, or 0 while unconfirmed.</summary>
    public ulong Index { get; set; }

    /// <summary>The readers waiting on this round.</summary>
    public int Readers => Volatile.Read(ref _readers);

    public Task Completion => _done.Task;

    public void AddReader() => Interlocked.Increment(ref _readers);

    public void Complete() => _done.TrySetResult();

    public void Fail(Exception error) => _done.TrySetException(error);
}
