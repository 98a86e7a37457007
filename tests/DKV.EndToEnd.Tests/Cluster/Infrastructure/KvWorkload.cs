using System.Globalization;
using System.Text;
using DKV.Core.Stores;
using DKV.Testing.Linearizability.Models;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// A steady write + read load: several clients, client i talking to node i mod N, each running one operation at a time and recording
/// it in a <see cref="HistoryRecorder"/>. Shared keys (set, get, set-if-unset, compare-and-delete) feed the linearizability check;
/// keys written once each (<c>u-...</c>) let the verifier check every acknowledged write on every node. Shared keys rotate in
/// generations so that no key gathers more operations than the checker handles quickly.
/// </summary>
/// <remarks>Start once, stop once. Seeded: the same seed gives each client the same sequence of choices.</remarks>
internal sealed class KvWorkload : ClientLoopWorkload
{
    /// <summary>Shared keys in use at a time.</summary>
    private const int KeysPerGeneration = 4;

    /// <summary>Operations per shared key before the load moves to fresh keys.</summary>
    private const int OperationsPerKey = 120;

    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_failureBackoff = TimeSpan.FromMilliseconds(50);

    private readonly ClusterHarness _cluster;
    private readonly HistoryRecorder _recorder;
    private readonly int _seed;
    private readonly ProgressCounter _acknowledged = new();
    private long _operations;

    private KvWorkload(ClusterHarness cluster, HistoryRecorder recorder, int seed)
    {
        _cluster = cluster;
        _recorder = recorder;
        _seed = seed;
    }

    /// <summary>Writes acknowledged so far (all clients).</summary>
    public long AcknowledgedCount => _acknowledged.Count;

    /// <summary>Every shared key the load used.</summary>
    public IReadOnlyList<string> SharedKeys
    {
        get
        {
            long generations = (Interlocked.Read(ref _operations) / (KeysPerGeneration * OperationsPerKey)) + 1;
            return [.. Enumerable.Range(0, (int)generations).SelectMany(g => Enumerable.Range(0, KeysPerGeneration).Select(k => SharedKey(g, k)))];
        }
    }

    /// <summary>Connects <paramref name="clientCount"/> clients (round robin over the nodes) and starts their loops.</summary>
    public static Task<KvWorkload> StartAsync(ClusterHarness cluster, HistoryRecorder recorder, int clientCount, int seed) =>
        StartAsync(new KvWorkload(cluster, recorder, seed), cluster, clientCount, s_requestTimeout);

    /// <summary>Waits until <paramref name="more"/> further writes are acknowledged; throws with the cluster's state at the deadline.</summary>
    public Task WaitForProgressAsync(int more, TimeSpan deadline) =>
        _acknowledged.WaitForMoreAsync(more, deadline, () => $"acknowledged writes of the load ({this}); {_recorder.Summary()}\n{_cluster.Tails()}");

    private static string SharedKey(long generation, int key) => $"g{generation}-k{key}";

    protected override async Task RunClientAsync(int client)
    {
        var random = new Random(HashCode.Combine(_seed, client));
        IStore store = Clients[client].Store(ClusterOptions.StoreShard);
        long sequence = 0;
        while (!Stopping)
        {
            sequence++;
            long generation = Interlocked.Increment(ref _operations) / (KeysPerGeneration * OperationsPerKey);
            string key = SharedKey(generation, random.Next(KeysPerGeneration));
            string value = $"c{client}-{sequence}";
            int roll = random.Next(100);
            KvInput input = roll switch
            {
                < 35 => KvInput.Set(key, value),
                < 70 => KvInput.Get(key),
                < 80 => KvInput.SetIfUnset(key, value),
                < 85 => KvInput.CompareAndDelete(key, $"c{random.Next(Clients.Count)}-{Math.Max(1, sequence - random.Next(1, 20))}"),
                _ => KvInput.Set($"u-c{client}-{sequence}", value),
            };
            KvOutput? output = await _recorder.RunAsync(client, input, () => ExecuteAsync(store, input));
            if (output is null)
            {
                await Task.Delay(s_failureBackoff, CancellationToken.None);
            }
            else if (!input.IsRead)
            {
                _acknowledged.Increment();
            }
        }
    }

    /// <summary>Runs one input against the store and turns the answer into the model's output.</summary>
    internal static async Task<KvOutput> ExecuteAsync(IStore store, KvInput input)
    {
        byte[] value = Encoding.UTF8.GetBytes(input.Value ?? string.Empty);
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                GetResult read = await store.GetAsync(input.Key);
                return read.Found ? KvOutput.Found(Encoding.UTF8.GetString(read.Value.Span)) : KvOutput.NotFound;
            case KvOperationKind.Set:
                await store.SetAsync(input.Key, value);
                return KvOutput.Done(null);
            case KvOperationKind.Delete:
                return KvOutput.Done((await store.DeleteAsync(input.Key)).Applied);
            case KvOperationKind.SetIfUnset:
                return KvOutput.Done((await store.SetEIfUnsetAsync(input.Key, value, TimeSpan.Zero, TimeSpan.Zero)).Applied);
            case KvOperationKind.CompareAndDelete:
                return KvOutput.Done((await store.CompareAndDeleteAsync(input.Key, value)).Applied);
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "unknown operation kind");
        }
    }

    /// <summary>For messages: the seed and how many operations ran.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"seed {_seed}, {Interlocked.Read(ref _operations)} operations, {Clients.Count} clients");
}
