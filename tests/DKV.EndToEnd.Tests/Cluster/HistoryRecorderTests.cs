using DKV.Core.Errors;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>How the recorder turns client outcomes into a checkable history.</summary>
public sealed class HistoryRecorderTests
{
    [Test]
    public async Task RunAsync_Success_RecordsReturnedOperation()
    {
        var recorder = new HistoryRecorder();

        await recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromResult(KvOutput.Done(true)));
        await recorder.RunAsync(1, KvInput.Get("k"), () => Task.FromResult(KvOutput.Found("a")));

        var history = recorder.Build();
        Assert.That(history, Has.Count.EqualTo(2));
        Assert.That(history.All(op => !op.IsPending), Is.True);
        Assert.That(recorder.AcknowledgedCount, Is.EqualTo(1));
        Assert.That(recorder.Check(TimeSpan.FromSeconds(10)).Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [TestCase(DkvErrorCode.Timeout)]
    [TestCase(DkvErrorCode.ConnectionLost)]
    [TestCase(DkvErrorCode.Internal)]
    public async Task RunAsync_WriteFailsMaybeApplied_RecordsOpenEnded(DkvErrorCode code)
    {
        var recorder = new HistoryRecorder();

        var output = await recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromException<KvOutput>(new DkvException(code, "planted")));

        Assert.That(output, Is.Null);
        Assert.That(recorder.Build().Single().IsPending, Is.True);
        Assert.That(recorder.Writes.Single().Outcome, Is.EqualTo(WriteOutcome.MaybeApplied));
    }

    [TestCase(DkvErrorCode.NotLeader)]
    [TestCase(DkvErrorCode.Unavailable)]
    public async Task RunAsync_WriteDefinitelyNotApplied_DropsIt(DkvErrorCode code)
    {
        var recorder = new HistoryRecorder();

        await recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromException<KvOutput>(new DkvException(code, "planted")));

        Assert.That(recorder.Build(), Is.Empty);
        Assert.That(recorder.Writes.Single().Outcome, Is.EqualTo(WriteOutcome.NotApplied));
        Assert.That(recorder.NotAppliedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_ReadTimesOut_DropsIt()
    {
        var recorder = new HistoryRecorder();

        await recorder.RunAsync(1, KvInput.Get("k"), () => Task.FromException<KvOutput>(new DkvException(DkvErrorCode.Timeout, "planted")));

        Assert.That(recorder.Build(), Is.Empty);
        Assert.That(recorder.FailedReadCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Check_MaybeAppliedWriteSeenLater_IsLinearizable()
    {
        var recorder = new HistoryRecorder();

        await recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromException<KvOutput>(new DkvException(DkvErrorCode.Timeout, "planted")));
        await recorder.RunAsync(2, KvInput.Get("k"), () => Task.FromResult(KvOutput.Found("a")));

        Assert.That(recorder.Check(TimeSpan.FromSeconds(10)).Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }

    [Test]
    public async Task Check_LostAcknowledgedWrite_IsNotLinearizable()
    {
        // The planted bug: a write is acknowledged, and a later read does not see it.
        var recorder = new HistoryRecorder();

        await recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromResult(KvOutput.Done(true)));
        await recorder.RunAsync(2, KvInput.Get("k"), () => Task.FromResult(KvOutput.NotFound));

        var result = recorder.Check(TimeSpan.FromSeconds(10));
        Assert.That(result.Verdict, Is.EqualTo(CheckVerdict.NotLinearizable), result.Explain());
    }

    [Test]
    public async Task RunAsync_UnexpectedException_RecordsAndRethrows()
    {
        var recorder = new HistoryRecorder();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            recorder.RunAsync(1, KvInput.Set("k", "a"), () => Task.FromException<KvOutput>(new InvalidOperationException("planted"))));
        Assert.That(recorder.Build().Single().IsPending, Is.True);
    }

    [Test]
    public async Task RunAsync_ManyClientsAtOnce_RecordsEveryOperation()
    {
        var recorder = new HistoryRecorder();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await recorder.RunAsync(client, KvInput.Set($"k{client}", $"v{i}"), () => Task.FromResult(KvOutput.Done(true)));
            }
        })));

        Assert.That(recorder.Build(), Has.Count.EqualTo(800));
        Assert.That(recorder.Check(TimeSpan.FromSeconds(10)).Verdict, Is.EqualTo(CheckVerdict.Linearizable));
    }
}
