using System.Diagnostics;
using DKV.Core.Errors;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// Records a key-value client history for the linearizability checker while many clients run at once: the invocation and response
/// time of every operation on one monotonic clock, and what a failure means. A write that failed with a code that leaves it
/// possibly applied (Timeout, ConnectionLost, Internal, Cancelled) stays open-ended (may take effect any time after its call); one
/// that was definitely not applied (NotLeader, Unavailable, ...) is dropped, as is every failed read.
/// </summary>
/// <remarks>Thread-safe. Each client id must have at most one operation in flight.</remarks>
internal sealed class HistoryRecorder
{
    private readonly History<KvInput, KvOutput> _history = new();
    private readonly List<WriteRecord> _writes = [];
    private readonly Lock _gate = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private int _acknowledged;
    private int _maybeApplied;
    private int _notApplied;
    private int _failedReads;
    private int _reads;

    /// <summary>Writes that returned success.</summary>
    public int AcknowledgedCount => Volatile.Read(ref _acknowledged);

    /// <summary>Writes whose outcome is unknown (recorded open-ended).</summary>
    public int MaybeAppliedCount => Volatile.Read(ref _maybeApplied);

    /// <summary>Writes that failed with a definitely-not-applied code (dropped from the history).</summary>
    public int NotAppliedCount => Volatile.Read(ref _notApplied);

    /// <summary>Reads that returned.</summary>
    public int ReadCount => Volatile.Read(ref _reads);

    /// <summary>Reads that failed (dropped).</summary>
    public int FailedReadCount => Volatile.Read(ref _failedReads);

    /// <summary>Every write with its outcome, in call order.</summary>
    public IReadOnlyList<WriteRecord> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> as client <paramref name="clientId"/> and records it. Returns the output, or null when it
    /// failed with a <see cref="DkvException"/> (already classified). Any other exception is recorded as a possibly-applied write
    /// (or a dropped read) and rethrown.
    /// </summary>
    public async Task<KvOutput?> RunAsync(int clientId, KvInput input, Func<Task<KvOutput>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        int handle;
        lock (_gate)
        {
            handle = _history.Call(clientId, input, Now());
        }

        try
        {
            KvOutput output = await operation();
            Succeeded(handle, input, output);
            return output;
        }
        catch (DkvException ex)
        {
            Failed(handle, input, ex.DefinitelyNotApplied, ex.Code);
            return null;
        }
        catch (Exception)
        {
            Failed(handle, input, definitelyNotApplied: false, DkvErrorCode.Internal);
            throw;
        }
    }

    /// <summary>The finished history (every operation must have ended).</summary>
    public IReadOnlyList<Operation<KvInput, KvOutput>> Build()
    {
        lock (_gate)
        {
            return _history.Build();
        }
    }

    /// <summary>Checks the history against the key-value model, partitions in parallel.</summary>
    public CheckResult Check(TimeSpan timeout) =>
        LinearizabilityChecker.Check(KvModel.Instance, Build(), new CheckOptions { Timeout = timeout, MaxDegreeOfParallelism = Environment.ProcessorCount });

    /// <summary>One line of counts for test output.</summary>
    public string Summary() =>
        $"{AcknowledgedCount} writes acknowledged, {MaybeAppliedCount} maybe applied, {NotAppliedCount} not applied; {ReadCount} reads, {FailedReadCount} failed reads";

    private long Now() => Stopwatch.GetTimestamp() - _origin;

    private void Succeeded(int handle, KvInput input, KvOutput output)
    {
        lock (_gate)
        {
            _history.Return(handle, output, Now());
            if (input.IsRead)
            {
                _reads++;
            }
            else
            {
                _acknowledged++;
                _writes.Add(new WriteRecord(input, WriteOutcome.Acknowledged, output.Applied, null));
            }
        }
    }

    private void Failed(int handle, KvInput input, bool definitelyNotApplied, DkvErrorCode code)
    {
        lock (_gate)
        {
            if (input.IsRead)
            {
                _history.Drop(handle);
                _failedReads++;
            }
            else if (definitelyNotApplied)
            {
                _history.Drop(handle);
                _notApplied++;
                _writes.Add(new WriteRecord(input, WriteOutcome.NotApplied, null, code));
            }
            else
            {
                _history.Unknown(handle, KvOutput.Unknown);
                _maybeApplied++;
                _writes.Add(new WriteRecord(input, WriteOutcome.MaybeApplied, null, code));
            }
        }
    }
}
