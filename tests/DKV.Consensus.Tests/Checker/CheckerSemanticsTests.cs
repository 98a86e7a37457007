using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Consensus.Tests.Checker;

/// <summary>Hand-written histories for the rules that matter most: closed intervals, unknown outcomes, budgets, the history builder.</summary>
[TestFixture]
public sealed class CheckerSemanticsTests
{
    private const long Pending = Operation<KvInput, KvOutput>.PendingReturnTime;

    [Test]
    public void Check_StaleReadAfterCompletedWrite_IsNotLinearizable()
    {
        var result = Check(Op(0, KvInput.Set("k", "1"), KvOutput.Done(true), 0, 10), Op(1, KvInput.Get("k"), KvOutput.NotFound, 11, 12));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.NotLinearizable));
        Assert.That(result.Partition, Is.EqualTo("k"));
    }

    [Test]
    public void Check_IntervalsTouchingAtOnePoint_Overlap()
    {
        // Closed intervals: the read [10, 12] overlaps the write [0, 10], so it may be ordered before it.
        var result = Check(Op(0, KvInput.Set("k", "1"), KvOutput.Done(true), 0, 10), Op(1, KvInput.Get("k"), KvOutput.NotFound, 10, 12));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [Test]
    public void Check_UnknownWriteSeenLongAfterItsCall_IsLinearizable()
    {
        var result = Check(
            Op(0, KvInput.Set("k", "1"), KvOutput.Unknown, 0, Pending),
            Op(1, KvInput.Get("k"), KvOutput.NotFound, 50, 60),
            Op(1, KvInput.Get("k"), KvOutput.Found("1"), 100, 110));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [Test]
    public void Check_UnknownWriteNeverSeen_IsLinearizable()
    {
        var result = Check(Op(0, KvInput.Set("k", "1"), KvOutput.Unknown, 0, Pending), Op(1, KvInput.Get("k"), KvOutput.NotFound, 100, 110));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [Test]
    public void Check_UnknownWriteSeenThenUnseen_IsNotLinearizable()
    {
        var result = Check(
            Op(0, KvInput.Set("k", "1"), KvOutput.Unknown, 0, Pending),
            Op(1, KvInput.Get("k"), KvOutput.Found("1"), 50, 60),
            Op(1, KvInput.Get("k"), KvOutput.NotFound, 100, 110));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.NotLinearizable));
    }

    [Test]
    public void Check_UnknownWriteSeenBeforeItsCall_IsNotLinearizable()
    {
        var result = Check(Op(0, KvInput.Get("k"), KvOutput.Found("1"), 0, 10), Op(1, KvInput.Set("k", "1"), KvOutput.Unknown, 20, Pending));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.NotLinearizable));
    }

    [Test]
    public void Check_ConditionalWritesWithWrongAppliedFlag_IsNotLinearizable()
    {
        var result = Check(
            Op(0, KvInput.SetIfUnset("k", "1"), KvOutput.Done(true), 0, 10),
            Op(1, KvInput.SetIfUnset("k", "2"), KvOutput.Done(true), 20, 30));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.NotLinearizable));
        var fixedResult = Check(
            Op(0, KvInput.SetIfUnset("k", "1"), KvOutput.Done(true), 0, 10),
            Op(1, KvInput.CompareAndDelete("k", "1"), KvOutput.Done(true), 20, 30),
            Op(1, KvInput.Delete("k"), KvOutput.Done(false), 40, 50));
        Assert.That(fixedResult.Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [Test]
    public void Check_HardHistoryWithTinyStepBudget_ReturnsUnknown()
    {
        // Many concurrent writes and a read that matches none of them: the search must explore before it can say no.
        var ops = Enumerable.Range(0, 14).Select(i => Op(i, KvInput.Set("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), KvOutput.Done(true), 0, 100))
            .Append(Op(99, KvInput.Get("k"), KvOutput.Found("none"), 200, 210)).ToList();
        var result = LinearizabilityChecker.Check(KvModel.Instance, ops, new CheckOptions { MaxStepsPerPartition = 50 });
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Unknown));
        Assert.That(result.Explain(), Does.Contain("budget exhausted"));
    }

    [Test]
    public void Check_CancelledToken_ReturnsUnknownQuickly()
    {
        var ops = Enumerable.Range(0, 40).Select(i => Op(i, KvInput.Set("k", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), KvOutput.Done(true), 0, 100))
            .Append(Op(99, KvInput.Get("k"), KvOutput.Found("none"), 200, 210)).ToList();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = LinearizabilityChecker.Check(KvModel.Instance, ops, new CheckOptions { MaxStepsPerPartition = long.MaxValue }, cancelled.Token);

        // 40 overlapping writes give the search far more than the 4,096 steps between cancellation checks.
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.Unknown));
    }

    [Test]
    public void Check_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearizabilityChecker.Check(KvModel.Instance, [], new CheckOptions { Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearizabilityChecker.Check(KvModel.Instance, [], new CheckOptions { MaxStepsPerPartition = 0 }));
    }

    [Test]
    public void History_UnknownAndDropped_BuildsPendingAndOmits()
    {
        var history = new History<KvInput, KvOutput>();
        int write = history.Call(0, KvInput.Set("k", "1"), 0);
        int read = history.Call(1, KvInput.Get("k"), 1);
        int done = history.Call(2, KvInput.Get("k"), 2);
        history.Unknown(write, KvOutput.Unknown);
        history.Drop(read);
        history.Return(done, KvOutput.NotFound, 3);
        var ops = history.Build();
        Assert.That(ops, Has.Count.EqualTo(2));
        Assert.That(ops[0].IsPending, Is.True);
        Assert.That(ops[1].ReturnTime, Is.EqualTo(3));
    }

    [Test]
    public void History_SecondCallWhileOpenOrBuildWhileOpen_Throws()
    {
        var history = new History<KvInput, KvOutput>();
        int handle = history.Call(0, KvInput.Get("k"), 0);
        Assert.Throws<InvalidOperationException>(() => history.Call(0, KvInput.Get("k"), 1));
        Assert.Throws<InvalidOperationException>(() => history.Build());
        history.Return(handle, KvOutput.NotFound, 2);
        Assert.Throws<InvalidOperationException>(() => history.Return(handle, KvOutput.NotFound, 3));
    }

    private static CheckResult Check(params Operation<KvInput, KvOutput>[] ops) => LinearizabilityChecker.Check(KvModel.Instance, ops);

    private static Operation<KvInput, KvOutput> Op(int client, KvInput input, KvOutput output, long call, long ret) => new(client, input, output, call, ret);
}
