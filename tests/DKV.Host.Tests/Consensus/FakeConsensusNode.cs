using DKV.Core.Consensus;
using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Host.Config;

namespace DKV.Host.Tests.Consensus;

/// <summary>
/// One "replica" per group: a <see cref="LocalStore"/> over an engine from the options, reporting itself as the leader of term 1.
/// Counts the requests that reach it after disposal, so a test can check the host stops serving before it disposes the node.
/// </summary>
internal sealed class FakeConsensusNode : IConsensusNode
{
    private readonly Dictionary<ulong, (IKVDB Engine, FakeReplicatedStore Store)> _groups = [];
    private readonly string _name;

    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeConsensusNode(ConsensusNodeOptions options)
    {
        _name = options.ReplicaName;
        ReplicaId = ReplicaIds.Hash(options.ReplicaName);
        foreach (ulong id in options.GroupIds)
        {
            var engine = options.Engines.Create();
            _groups[id] = (engine, new FakeReplicatedStore(new LocalStore(engine, options.Time), () => GetStatus(id), () => IsDisposed));
        }
    }

    public ulong ReplicaId { get; }

    public bool IsDisposed { get; private set; }

    public Task<string> Failed => _failed.Task;

    /// <summary>Makes the node report a fatal error, as a real one does when a safety check fails.</summary>
    public void Fail(string reason) => _failed.TrySetResult(reason);

    public IStore GetStore(ulong groupId) =>
        _groups.TryGetValue(groupId, out var group)
            ? group.Store
            : throw new DkvException(DkvErrorCode.UnknownShard, $"group {groupId} is not hosted here");

    public ReplicaStatus GetStatus(ulong groupId) =>
        new(groupId, _name, "leader", 1, _name, 7, 7, 1, 7, 512);

    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        foreach (var (engine, _) in _groups.Values)
        {
            engine.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
