using System.Text;
using DKV.Core.Errors;
using DKV.Core.Stores;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// The checks after a fault, once the load has stopped and the cluster is whole again: every node has applied the same log;
/// every acknowledged write is present on every node; a write reported as not applied is absent everywhere; a write with an unknown
/// outcome is either present everywhere or absent everywhere; and the whole history (the load's plus a final read of every shared
/// key on every node) is linearizable.
/// </summary>
internal static class ClusterVerifier
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a final read keeps retrying (a spurious election on a loaded machine may briefly leave no leader).</summary>
    private static readonly TimeSpan s_readRetryDeadline = TimeSpan.FromSeconds(20);

    /// <summary>The first client id the verifier's own reads use (one per node), above any load client id.</summary>
    public const int VerifierClientBase = 10_000;

    /// <summary>Waits until every node reports the same applied index for <paramref name="shard"/>, at least the leader's commit index when the wait began.</summary>
    public static async Task WaitForConvergenceAsync(ClusterHarness cluster, TimeSpan deadline, ulong shard = ClusterOptions.StoreShard)
    {
        using var timeout = new CancellationTokenSource(deadline);
        ulong floor = 0;
        string last = string.Empty;
        while (true)
        {
            var statuses = await Task.WhenAll(cluster.Nodes.Select(node => cluster.StatusAsync(node, shard)));
            if (floor == 0)
            {
                floor = statuses.Max(s => s?.CommitIndex ?? 0);
            }

            if (statuses.All(s => s is not null) && statuses.Select(s => s!.AppliedIndex).Distinct().Count() == 1 && statuses[0]!.AppliedIndex >= floor)
            {
                return;
            }

            last = string.Join("; ", cluster.Nodes.Select((node, i) => statuses[i] is { } s
                ? $"{node.Name}: {s.Role} term {s.Term} commit {s.CommitIndex} applied {s.AppliedIndex}"
                : $"{node.Name}: no answer"));
            try
            {
                await Task.Delay(s_pollInterval, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the nodes did not converge on shard {shard} within {deadline} (commit floor {floor}): {last}\n{cluster.Tails()}");
            }
        }
    }

    /// <summary>Runs every check; returns the problems found (empty when all hold). The load must have stopped.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(ClusterHarness cluster, HistoryRecorder recorder, KvWorkload load, TimeSpan checkTimeout)
    {
        var problems = new List<string>();
        var clients = new List<ClusterClient>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                clients.Add(await ClusterClient.ConnectAsync(node.ClientEndpoint, s_requestTimeout, maxAttempts: 3));
            }

            await Task.WhenAll(clients.Select((client, i) => ReadSharedKeysAsync(client.Store(ClusterOptions.StoreShard), recorder, VerifierClientBase + i, load.SharedKeys, problems, cluster.Nodes[i].Name)));
            var byNode = await Task.WhenAll(clients.Select(client => ReadUniqueKeysAsync(client.Store(ClusterOptions.StoreShard), recorder.Writes)));
            CheckUniqueWrites(cluster, recorder.Writes, byNode, problems);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        CheckResult result = recorder.Check(checkTimeout);
        if (!result.IsLinearizable)
        {
            problems.Add($"history ({load}): {result.Explain()}");
        }

        return problems;
    }

    private static async Task ReadSharedKeysAsync(IStore store, HistoryRecorder recorder, int clientId, IReadOnlyList<string> keys, List<string> problems, string node)
    {
        foreach (string key in keys)
        {
            KvInput input = KvInput.Get(key);
            using var deadline = new CancellationTokenSource(s_readRetryDeadline);
            while (await recorder.RunAsync(clientId, input, () => KvWorkload.ExecuteAsync(store, input)) is null)
            {
                if (deadline.IsCancellationRequested)
                {
                    lock (problems)
                    {
                        problems.Add($"{node}: the final read of '{key}' kept failing for {s_readRetryDeadline} on a healed cluster");
                    }

                    break;
                }

                await Task.Delay(s_pollInterval, CancellationToken.None);
            }
        }
    }

    private static async Task<Dictionary<string, string?>> ReadUniqueKeysAsync(IStore store, IReadOnlyList<WriteRecord> writes)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var write in writes.Where(w => w.Input.Key.StartsWith("u-", StringComparison.Ordinal)))
        {
            values[write.Input.Key] = await ReadWithRetryAsync(store, write.Input.Key);
        }

        return values;
    }

    /// <summary>The value (null when not found), retrying failures until <see cref="s_readRetryDeadline"/>; then a marker naming the error.</summary>
    private static async Task<string?> ReadWithRetryAsync(IStore store, string key)
    {
        using var deadline = new CancellationTokenSource(s_readRetryDeadline);
        while (true)
        {
            try
            {
                GetResult read = await store.GetAsync(key);
                return read.Found ? Encoding.UTF8.GetString(read.Value.Span) : null;
            }
            catch (DkvException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(s_pollInterval, CancellationToken.None);
            }
            catch (DkvException ex)
            {
                return $"<read failed: {ex.Code}>";
            }
        }
    }

    private static void CheckUniqueWrites(ClusterHarness cluster, IReadOnlyList<WriteRecord> writes, Dictionary<string, string?>[] byNode, List<string> problems)
    {
        foreach (var write in writes.Where(w => w.Input.Key.StartsWith("u-", StringComparison.Ordinal)))
        {
            string key = write.Input.Key;
            string?[] seen = [.. byNode.Select(values => values[key])];
            string where = string.Join(", ", cluster.Nodes.Select((node, i) => $"{node.Name}={seen[i] ?? "absent"}"));
            bool everywhere = seen.All(v => v == write.Input.Value);
            bool nowhere = seen.All(v => v is null);
            string? problem = write.Outcome switch
            {
                WriteOutcome.Acknowledged when !everywhere => $"acknowledged write {key}='{write.Input.Value}' is missing: {where}",
                WriteOutcome.NotApplied when !nowhere => $"write {key} reported not applied ({write.Error}) took effect: {where}",
                WriteOutcome.MaybeApplied when !everywhere && !nowhere => $"write {key} with unknown outcome ({write.Error}) is half-applied: {where}",
                _ => null,
            };
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }
    }
}
