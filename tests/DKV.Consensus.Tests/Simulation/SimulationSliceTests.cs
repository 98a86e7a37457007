using System.Globalization;
using DKV.Simulation;

namespace DKV.Consensus.Tests.Simulation;

/// <summary>
/// The CI slice of the deterministic simulator: at least 1,000 swarm seeds over 1-, 3- and 5-node clusters with faults on, 500 client
/// operations each, about half of them on the production stack (write-ahead log, snapshot store, product state machine with
/// client sessions), zero violations. The first seed can be moved with DKV_SIM_START_SEED (default 1), the count with DKV_SIM_SEEDS.
/// </summary>
[TestFixture]
public sealed class SimulationSliceTests
{
    private const int Operations = 500;

    [Test]
    [Category("SimSlice")]
    [CancelAfter(25 * 60 * 1000)]
    public void Simulator_ThousandSwarmSeeds_NoViolation(CancellationToken cancellation)
    {
        ulong start = ulong.Parse(Environment.GetEnvironmentVariable("DKV_SIM_START_SEED") ?? "1", CultureInfo.InvariantCulture);
        int count = int.Parse(Environment.GetEnvironmentVariable("DKV_SIM_SEEDS") ?? "1000", CultureInfo.InvariantCulture);
        IReadOnlyList<SimResult> results = [];
        TimeSpan elapsed = SeedRunner.Time(() =>
            results = SeedRunner.Run(start, count, nodes: 0, Operations, Environment.ProcessorCount, cancellationToken: cancellation));

        var violated = results.Where(r => !r.Passed).ToList();
        foreach (SimResult result in violated)
        {
            TestContext.Out.WriteLine($"seed {result.Seed} ({result.Nodes} nodes): {result.Violation}");
            TestContext.Out.WriteLine($"  profile: {result.Profile.Describe()}");
            TestContext.Out.WriteLine($"  replay: {result.ReplayCommand}");
        }

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ran {results.Count} seeds ({string.Join(", ", results.GroupBy(r => r.Nodes).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key} nodes"))}), {violated.Count} violated, " +
            $"{results.Sum(r => r.Operations)} operations checked ({results.Sum(r => r.Unknown)} unknown), {results.Sum(r => r.Crashes)} crashes, " +
            $"{results.Sum(r => r.Events)} events, {results.Count(r => r.Profile.ProductionStack)} seeds on the production stack " +
            $"({results.Sum(r => r.Deduplicated)} retried writes deduplicated), {elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores"));
        // The determinism self-check (FoundationDB's "unseed" check): every 50th seed runs again and must replay event for event.
        var replays = results.Where((_, i) => i % 50 == 0).ToList();
        var mismatched = replays.Where(r => new Simulator(new SimOptions { Seed = r.Seed, Nodes = r.Nodes, Operations = Operations }).Run().TraceHash != r.TraceHash)
            .Select(r => r.Seed).ToList();
        TestContext.Out.WriteLine($"replayed {replays.Count} seeds: {replays.Count - mismatched.Count} identical");
        Assert.That(mismatched, Is.Empty, "seeds whose second run differed from the first");
        Assert.That(results, Has.Count.EqualTo(count));
        Assert.That(results.Select(r => r.Nodes).Distinct().Order(), Is.EqualTo(new[] { 1, 3, 5 }));
        Assert.That(results.Sum(r => r.Crashes), Is.GreaterThan(0), "faults must be on");
        Assert.That(results.Select(r => r.Profile.ProductionStack).Distinct().Count(), Is.EqualTo(2), "both stacks must run");
        Assert.That(violated.Select(r => $"seed {r.Seed}: {r.Violation}"), Is.Empty);
    }

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(1001UL)]
    [CancelAfter(120_000)]
    public void Simulator_SameSeedTwice_IdenticalEventTrace(ulong seed, CancellationToken cancellation)
    {
        var options = new SimOptions { Seed = seed, Nodes = SeedRunner.NodesForSeed(seed), Operations = Operations };
        SimResult first = new Simulator(options).Run();
        cancellation.ThrowIfCancellationRequested();
        SimResult second = new Simulator(options).Run();

        Assert.That(first.Passed, Is.True, first.Violation);
        Assert.That(second.TraceHash, Is.EqualTo(first.TraceHash), "same seed must replay event for event");
        Assert.That(second.Events, Is.EqualTo(first.Events));
        Assert.That(second.SimulatedMs, Is.EqualTo(first.SimulatedMs));
        Assert.That(second.Operations, Is.EqualTo(first.Operations));
        Assert.That(first.Events, Is.GreaterThan(1000));
    }

    [Test]
    [CancelAfter(60_000)]
    public void Simulator_DifferentSeeds_DifferentEventTraces(CancellationToken cancellation)
    {
        var hashes = Enumerable.Range(10, 6)
            .Select(seed => new Simulator(new SimOptions { Seed = (ulong)seed, Nodes = 3, Operations = 100 }).Run().TraceHash)
            .ToList();
        cancellation.ThrowIfCancellationRequested();
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(hashes.Count));
    }
}
