using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Consensus.Tests.Checker;

/// <summary>The checker must agree exactly with an exhaustive search on thousands of small random histories, in both verdicts.</summary>
[TestFixture]
public sealed class CheckerBruteForceTests
{
    private static readonly CheckOptions s_options = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Test]
    [CancelAfter(120_000)]
    public void Check_RandomKvHistories_AgreesWithBruteForce(CancellationToken cancellation)
    {
        var random = new Random(20261121);
        int linearizable = 0;
        int violated = 0;
        for (int i = 0; i < 4000; i++)
        {
            var histories = new RandomHistories(random.Next());
            var ops = histories.Sequential(random.Next(1, 9), random.Next(1, 3));
            if (i % 2 == 1)
            {
                ops = histories.Mutate(ops);
            }

            bool expected = BruteForceChecker.IsLinearizable(KvModel.Instance, ops);
            CheckResult result = LinearizabilityChecker.Check(KvModel.Instance, ops, s_options, cancellation);
            Assert.That(result.Verdict, Is.EqualTo(expected ? CheckVerdict.Linearizable : CheckVerdict.NotLinearizable), () => $"history {i}: {Dump(ops)}\n{result.Explain()}");
            _ = expected ? linearizable++ : violated++;
        }

        Assert.That(linearizable, Is.GreaterThan(1000), "the generator must produce linearizable histories");
        Assert.That(violated, Is.GreaterThan(500), "the generator must produce violations");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Check_SequentialKvHistories_AreLinearizable(CancellationToken cancellation)
    {
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            var ops = new RandomHistories(random.Next()).Sequential(random.Next(1, 60), random.Next(1, 4));
            CheckResult result = LinearizabilityChecker.Check(KvModel.Instance, ops, s_options, cancellation);
            Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Linearizable), () => $"history {i}: {Dump(ops)}\n{result.Explain()}");
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public void Check_RandomRegisterHistories_AgreesWithBruteForce(CancellationToken cancellation)
    {
        var random = new Random(11);
        int linearizable = 0;
        int violated = 0;
        for (int i = 0; i < 3000; i++)
        {
            var ops = new RandomHistories(random.Next()).RandomRegister(random.Next(1, 9));
            bool expected = BruteForceChecker.IsLinearizable(RegisterModel.Instance, ops);
            CheckResult result = LinearizabilityChecker.Check(RegisterModel.Instance, ops, s_options, cancellation);
            Assert.That(result.IsLinearizable, Is.EqualTo(expected), () => $"history {i}: {Dump(ops)}\n{result.Explain()}");
            _ = expected ? linearizable++ : violated++;
        }

        Assert.That(linearizable, Is.GreaterThan(300));
        Assert.That(violated, Is.GreaterThan(300));
    }

    [Test]
    [CancelAfter(120_000)]
    public void Check_RandomAppendHistories_AgreesWithBruteForce(CancellationToken cancellation)
    {
        var random = new Random(13);
        int linearizable = 0;
        int violated = 0;
        for (int i = 0; i < 3000; i++)
        {
            var ops = new RandomHistories(random.Next()).RandomAppend(random.Next(1, 8));
            bool expected = BruteForceChecker.IsLinearizable(AppendModel.Instance, ops);
            CheckResult result = LinearizabilityChecker.Check(AppendModel.Instance, ops, s_options, cancellation);
            Assert.That(result.IsLinearizable, Is.EqualTo(expected), () => $"history {i}: {Dump(ops)}\n{result.Explain()}");
            _ = expected ? linearizable++ : violated++;
        }

        Assert.That(linearizable, Is.GreaterThan(300));
        Assert.That(violated, Is.GreaterThan(300));
    }

    [Test]
    [CancelAfter(60_000)]
    public void Check_ParallelPartitions_SameVerdictAsSequential(CancellationToken cancellation)
    {
        var random = new Random(17);
        var parallel = s_options with { MaxDegreeOfParallelism = 4 };
        for (int i = 0; i < 500; i++)
        {
            var histories = new RandomHistories(random.Next());
            var ops = histories.Sequential(random.Next(1, 40), 4);
            if (i % 2 == 1)
            {
                ops = histories.Mutate(ops);
            }

            CheckVerdict sequential = LinearizabilityChecker.Check(KvModel.Instance, ops, s_options, cancellation).Verdict;
            CheckResult parallelResult = LinearizabilityChecker.Check(KvModel.Instance, ops, parallel, cancellation);
            Assert.That(parallelResult.Verdict, Is.EqualTo(sequential), () => $"history {i}: {Dump(ops)}");
        }
    }

    private static string Dump<TInput, TOutput>(IEnumerable<Operation<TInput, TOutput>> ops) =>
        string.Join("\n", ops.Select(op => $"  [{op.CallTime}, {(op.IsPending ? "pending" : op.ReturnTime)}] {op.Input} => {op.Output}"));
}
