using DKV.Simulation;

namespace DKV.Consensus.Tests.Simulation;

/// <summary>
/// The simulator on the production stack: every node on the write-ahead log, snapshot store and <c>DurableRaftStorage</c> over a
/// crashing simulated file system, the product <c>KvStateMachine</c> with client sessions over Maple, and clients that retry a
/// timed-out write under the same session and sequence. The history must stay linearizable and every acknowledged write durable;
/// with sessions ignored (a planted bug) the same checks must fail.
/// </summary>
[TestFixture]
public sealed class ProductionStackSimulationTests
{
    private const int Operations = 300;

    // Lossy links and short elections: many attempts time out after their write was applied, so retries meet their first copy.
    private static readonly FaultProfile s_retries = new()
    {
        ElectionTicks = 6,
        DropRate = 0.2,
        DuplicateRate = 0.05,
        DelayMeanMs = 10,
        CrashRate = 0.01,
        MaxDown = 1,
        SyncLatencyMs = 3,
        SnapshotEveryEntries = 20,
        CompactionTailEntries = 3,
        RandomTargetRate = 0.3,
        Clients = 6,
        ProductionStack = true,
    };

    [Test]
    [CancelAfter(300_000)]
    public void Simulator_ProductionStackSwarmSeeds_NoViolationAndRetriesDeduplicated(CancellationToken cancellation)
    {
        IReadOnlyList<SimResult> results = SeedRunner.Run(5000, 30, nodes: 0, Operations, Environment.ProcessorCount,
            options => options with { ProductionStack = true }, cancellationToken: cancellation);

        Assert.That(results.Where(r => !r.Passed).Select(r => $"seed {r.Seed}: {r.Violation}\n  replay: {r.ReplayCommand}"), Is.Empty);
        Assert.That(results.All(r => r.Profile.ProductionStack), Is.True);
        Assert.That(results.Sum(r => r.Crashes), Is.GreaterThan(0), "faults must be on");
        Assert.That(results.Sum(r => r.Deduplicated), Is.GreaterThan(0), "retried writes must reach the state machine twice");
    }

    [Test]
    [CancelAfter(120_000)]
    public void Simulator_ProductionStackSameSeedTwice_IdenticalEventTrace(CancellationToken cancellation)
    {
        var options = new SimOptions { Seed = 7, Nodes = 3, Operations = Operations, Profile = s_retries };
        SimResult first = new Simulator(options).Run();
        cancellation.ThrowIfCancellationRequested();
        SimResult second = new Simulator(options).Run();

        Assert.That(first.Passed, Is.True, first.Violation);
        Assert.That(second.TraceHash, Is.EqualTo(first.TraceHash), "the production stack must replay event for event");
        Assert.That(first.Deduplicated, Is.GreaterThan(0));
    }

    [Test]
    [CancelAfter(300_000)]
    public void Simulator_PlantedSessionBug_ViolationFoundAndSameSeedsPassWithoutIt(CancellationToken cancellation)
    {
        SimResult? violated = null;
        ulong searched = 0;
        for (ulong start = 1; start <= 64 && violated is null; start += 8)
        {
            IReadOnlyList<SimResult> planted = SeedRunner.Run(start, 8, 3, Operations, Environment.ProcessorCount,
                options => options with { Profile = s_retries, PlantSessionBug = true }, cancellationToken: cancellation);
            violated = planted.FirstOrDefault(r => !r.Passed && !r.Violation!.Contains("did not finish", StringComparison.Ordinal));
            searched = start + 7;
        }

        Assert.That(violated, Is.Not.Null, $"re-applying retried writes must be caught within seeds 1..{searched}");
        TestContext.Out.WriteLine($"found at seed {violated!.Seed}: {violated.Violation}");
        var clean = new Simulator(new SimOptions { Seed = violated.Seed, Nodes = 3, Operations = Operations, Profile = s_retries }).Run();
        Assert.That(clean.Passed, Is.True, $"the same seed without the bug: {clean.Violation}");
    }
}
