using DKV.Consensus.StateMachine;
using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;

namespace DKV.Consensus.Host;

/// <summary>
/// <c>dstore</c>: the linearizable store of one Raft group on this node. Writes are proposed through the group's leader
/// (forwarded when this replica follows) and complete once applied; reads are confirmed with a batched ReadIndex round and
/// then served from this replica's engine.
/// </summary>
/// <remarks>
/// <para>Error meanings: <see cref="DkvErrorCode.NotLeader"/> and <see cref="DkvErrorCode.Unavailable"/> mean the write was
/// definitely not applied (safe to retry anywhere); <see cref="DkvErrorCode.Timeout"/> and <see cref="DkvErrorCode.ConnectionLost"/>
/// mean it may have been. A write refused for want of a leader is retried with the same client id and sequence number until
/// a leader is known or the request timeout passes.</para>
/// <para>Thread-safe. Values passed in are copied into the encoded command before the call returns its task.</para>
/// </remarks>
internal sealed class DStore : IStore
{
    /// <summary>The store kind reported by <see cref="GetDBInfoAsync"/>.</summary>
    public const string Kind = "dstore";

    private readonly NodeHost _host;
    private readonly RaftGroup _group;
    private readonly WriteSession _session = new();

    public DStore(NodeHost host, RaftGroup group)
    {
        _host = host;
        _group = group;
    }

    public ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.Set, key, value, default, TimeSpan.Zero, TimeSpan.Zero, cancellationToken);

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.SetE, key, value, default, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.SetEIfUnset, key, value, default, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.CompareAndSetE, key, value, expected, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.Expire, key, default, default, TimeSpan.Zero, TimeSpan.Zero, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.Delete, key, default, default, TimeSpan.Zero, TimeSpan.Zero, cancellationToken);

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default) =>
        WriteAsync(KvOperation.CompareAndDelete, key, default, expected, TimeSpan.Zero, TimeSpan.Zero, cancellationToken);

    public async ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await WaitReadableAsync(cancellationToken).ConfigureAwait(false);
        ReadResult read = _group.StateMachine.Get(key, _host.ReadClockUtcTicks());
        return read.Found ? new GetResult(true, read.Value, read.Index) : GetResult.NotFound;
    }

    public async ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await WaitReadableAsync(cancellationToken).ConfigureAwait(false);
        return _group.StateMachine.Has(key, _host.ReadClockUtcTicks());
    }

    public ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<StoreInfo>(cancellationToken);
        }

        var info = new StoreInfo(Kind, _group.Engine.GetInfo()) { Replication = _host.GetStatus(_group.GroupId) };
        return new ValueTask<StoreInfo>(info);
    }

    private async ValueTask<WriteResult> WriteAsync(
        KvOperation operation, string key, ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> expected, TimeSpan expireIn, TimeSpan deleteIn,
        CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ValidateDuration(expireIn, "expireIn");
        ValidateDuration(deleteIn, "deleteIn");
        cancellationToken.ThrowIfCancellationRequested();
        (ulong sequence, ulong acknowledgedBelow) = _session.Begin();
        try
        {
            var command = new KvCommand(operation, key, value, expected, expireIn, deleteIn, 0, _host.ClientId, sequence, acknowledgedBelow);
            int length = KvCommandCodec.GetEncodedLength(command);
            if (length > _host.MaxCommandBytes)
            {
                throw new DkvException(DkvErrorCode.TooLarge,
                    $"the {operation} of key '{Shorten(key)}' encodes to {length} bytes, over the limit of {_host.MaxCommandBytes} (raft.{NodeHostSettings.MaxCommandBytesName}); store smaller values or raise the limit");
            }

            return await ProposeAsync(KvCommandCodec.Encode(command), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _session.End(sequence);
        }
    }

    private async ValueTask<WriteResult> ProposeAsync(byte[] command, CancellationToken cancellationToken)
    {
        long deadline = _host.DeadlineAfter(_host.RequestTimeout);
        while (true)
        {
            // The event loop completes every attempt by its deadline (a swept waiter answers Timeout), so no timer is needed here.
            Task<ProposalOutcome> attempt = _host.ProposeOnceAsync(_group.GroupId, command, deadline);
            ProposalOutcome outcome = cancellationToken.CanBeCanceled
                ? await attempt.WaitAsync(cancellationToken).ConfigureAwait(false)
                : await attempt.ConfigureAwait(false);

            if (outcome.Error == DkvErrorCode.None)
            {
                return outcome.Result;
            }

            if (!outcome.RetryAfterLeaderChange)
            {
                throw new DkvException(outcome.Error, outcome.Message ?? $"group {_group.GroupId}: the write failed ({outcome.Error})");
            }

            if (!await WaitForLeaderAsync(outcome.RefusedBy, deadline, cancellationToken).ConfigureAwait(false))
            {
                throw new DkvException(DkvErrorCode.Unavailable, _host.Failure is { } failure
                    ? $"group {_group.GroupId}: {failure}; the write was not applied, retry on another replica"
                    : $"group {_group.GroupId}: no leader was available within {_host.RequestTimeout} ({outcome.Message}); the write was not applied, retry later");
            }
        }
    }

    /// <summary>Waits until this replica knows a leader other than <paramref name="refusedBy"/>; false when the deadline passes first.</summary>
    private async ValueTask<bool> WaitForLeaderAsync(ulong refusedBy, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed = _group.StateChanged;
            ulong leader = _group.KnownLeader;
            if (leader != 0 && leader != refusedBy)
            {
                return true;
            }

            TimeSpan remaining = _host.RemainingUntil(deadline);
            if (remaining <= TimeSpan.Zero || _host.Failure is not null)
            {
                return false;
            }

            try
            {
                await changed.WaitAsync(remaining, _host.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    private async ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        ReadRound round = _group.JoinNextReadRound(_host.Time.GetTimestamp(), out bool created) ?? throw new DkvException(DkvErrorCode.Unavailable,
            $"group {_group.GroupId}: too many reads are waiting for a read index; retry after a short back-off or raise raft.{NodeHostSettings.MaxPendingReadsName}");
        if (created)
        {
            _host.Ring();
        }

        if (_host.Failure is { } failure)
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"group {_group.GroupId}: {failure}; the read was not served, retry on another replica");
        }

        // The event loop fails a round that outlives the request timeout, so no timer is needed here.
        if (cancellationToken.CanBeCanceled)
        {
            await round.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await round.Completion.ConfigureAwait(false);
        }
    }

    private static void ValidateKey(string key)
    {
        if (key is null)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "key is null; pass a non-null string key");
        }
    }

    private static void ValidateDuration(TimeSpan duration, string name)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"{name} is {duration}, which is negative; pass TimeSpan.Zero for no deadline or a positive duration");
        }
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : string.Concat(key.AsSpan(0, 64), "...");
}
