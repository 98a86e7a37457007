using DKV.Consensus.StateMachine;
using DKV.Consensus.Tests.Core;
using DKV.Core.Errors;
using DKV.Core.Stores;
using static DKV.Consensus.Tests.StateMachine.SessionTestData;

namespace DKV.Consensus.Tests.StateMachine;

public sealed class KvSessionTests
{
    [Test]
    public void Apply_RetriedSetEIfUnsetAfterDelete_ReturnsFirstOutcomeAndChangesNothing()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        KvCommand acquire = IfUnset("lock", "owner-a", client: 7, sequence: 1);

        Assert.That(sm.Apply(Entry(1, acquire)), Is.EqualTo(new WriteResult(true, 1)));
        sm.Apply(Entry(2, Command(KvOperation.Delete, "lock", "", client: 8, sequence: 1)));
        Assert.That(sm.Apply(Entry(3, acquire)), Is.EqualTo(new WriteResult(true, 1)), "the retry reports the first outcome");

        Assert.That(Value(sm, "lock"), Is.Null, "the retry did not take the lock again after the delete");
        Assert.That(sm.AppliedIndex, Is.EqualTo(3UL));
    }

    [Test]
    public void Apply_RetriedFailedAcquire_ReturnsFirstFailureEvenWhenItWouldNowSucceed()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        sm.Apply(Entry(1, IfUnset("lock", "owner-a", client: 1, sequence: 1)));
        KvCommand contender = IfUnset("lock", "owner-b", client: 2, sequence: 1);

        Assert.That(sm.Apply(Entry(2, contender)), Is.EqualTo(new WriteResult(false, 2)));
        sm.Apply(Entry(3, Command(KvOperation.Delete, "lock", "", client: 1, sequence: 2)));
        Assert.That(sm.Apply(Entry(4, contender)), Is.EqualTo(new WriteResult(false, 2)));

        Assert.That(Value(sm, "lock"), Is.Null);
    }

    [Test]
    public void Apply_WindowOutOfOrder_EachSequenceAppliedOnce()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());

        Assert.That(sm.Apply(Entry(1, Set("k", "three", 5, 3))), Is.EqualTo(new WriteResult(true, 1)));
        Assert.That(sm.Apply(Entry(2, Set("k", "one", 5, 1))), Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(sm.Apply(Entry(3, Set("k", "three", 5, 3))), Is.EqualTo(new WriteResult(true, 1)));

        Assert.That(Value(sm, "k"), Is.EqualTo("one"), "the duplicate of sequence 3 did not overwrite sequence 1's later write");
    }

    [Test]
    public void Apply_SequenceBelowAcknowledgedFloor_ChangesNothingAndReturnsIndexZero()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        sm.Apply(Entry(1, Set("a", "1", 3, 1)));
        sm.Apply(Entry(2, Set("b", "2", 3, 2, acknowledgedBelow: 2)));

        Assert.That(sm.Apply(Entry(3, Set("a", "late", 3, 1))), Is.EqualTo(new WriteResult(false, 0)));
        Assert.That(Value(sm, "a"), Is.EqualTo("1"));
        Assert.That(sm.Apply(Entry(4, Set("b", "late", 3, 2))), Is.EqualTo(new WriteResult(true, 2)), "2 is not acknowledged yet");
    }

    [Test]
    public void Apply_NeverSeenSequenceBelowFloor_IsRefusedNotApplied()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        sm.Apply(Entry(1, Set("a", "1", 3, 5, acknowledgedBelow: 5)));

        Assert.That(sm.Apply(Entry(2, Set("b", "x", 3, 4))), Is.EqualTo(new WriteResult(false, 0)));
        Assert.That(Value(sm, "b"), Is.Null);
    }

    [Test]
    public void Apply_MoreResultsThanBound_ForgetsLowestAndRefusesItsRetry()
    {
        var sm = new KvStateMachine(new DictionaryKvdb(), new KvSessionOptions { MaxResultsPerSession = 2 });
        sm.Apply(Entry(1, Set("a", "1", 9, 1)));
        sm.Apply(Entry(2, Set("b", "2", 9, 2)));
        sm.Apply(Entry(3, Set("c", "3", 9, 3)));

        Assert.That(sm.Apply(Entry(4, Set("a", "retry", 9, 1))), Is.EqualTo(new WriteResult(false, 0)));
        Assert.That(sm.Apply(Entry(5, Set("b", "retry", 9, 2))), Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(Value(sm, "a"), Is.EqualTo("1"));
        Assert.That(Value(sm, "b"), Is.EqualTo("2"));
    }

    [Test]
    public void Apply_MoreSessionsThanBound_DropsLeastRecentlyActiveFirst()
    {
        var sm = new KvStateMachine(new DictionaryKvdb(), new KvSessionOptions { MaxSessions = 2 });
        sm.Apply(Entry(1, Set("x", "1", 1, 1, leaderTicks: LeaderTime)));
        sm.Apply(Entry(2, Set("x", "2", 2, 1, leaderTicks: LeaderTime + 10)));
        sm.Apply(Entry(3, Set("x", "3", 1, 2, leaderTicks: LeaderTime + 20)));
        sm.Apply(Entry(4, Set("x", "4", 3, 1, leaderTicks: LeaderTime + 30)));

        Assert.That(sm.SessionCount, Is.EqualTo(2));
        Assert.That(sm.Apply(Entry(5, Set("x", "1", 1, 1, leaderTicks: LeaderTime + 40))), Is.EqualTo(new WriteResult(true, 1)),
            "client 1 was active more recently than client 2, so it is kept");
        Assert.That(sm.Apply(Entry(6, Set("y", "dropped", 2, 1, leaderTicks: LeaderTime + 50))), Is.EqualTo(new WriteResult(true, 6)),
            "client 2's session was dropped, so its old sequence starts afresh");
    }

    [Test]
    public void Apply_SessionIdleLongerThanTimeoutInLeaderTime_IsDropped()
    {
        var options = new KvSessionOptions { SessionIdleTimeout = TimeSpan.FromMinutes(1) };
        var sm = new KvStateMachine(new DictionaryKvdb(), options);
        sm.Apply(Entry(1, Set("a", "1", 1, 1, leaderTicks: LeaderTime)));
        sm.Apply(Entry(2, Set("b", "1", 2, 1, leaderTicks: LeaderTime + TimeSpan.FromSeconds(59).Ticks)));
        Assert.That(sm.SessionCount, Is.EqualTo(2));

        sm.Apply(Entry(3, Set("b", "2", 2, 2, leaderTicks: LeaderTime + TimeSpan.FromSeconds(61).Ticks)));
        Assert.That(sm.SessionCount, Is.EqualTo(1), "client 1 idled 61 s of leader time");

        sm.Apply(Entry(4, Set("b", "3", 2, 3, leaderTicks: LeaderTime)));
        Assert.That(sm.SessionCount, Is.EqualTo(1), "a leader clock stepping back does not rewind the table's time");
    }

    [Test]
    public void Snapshot_SaveRestore_KeepsSessionsSoRetriesStayDeduplicated()
    {
        var source = new KvStateMachine(new DictionaryKvdb());
        source.Apply(Entry(1, IfUnset("lock", "a", 4, 1)));
        source.Apply(Entry(2, Set("k", "v", 4, 2, acknowledgedBelow: 2)));
        using var image = new MemoryStream();
        source.SaveSnapshot(image);
        image.Position = 0;

        var target = new KvStateMachine(new DictionaryKvdb());
        Assert.That(target.RestoreSnapshot(image), Is.EqualTo(2UL));

        Assert.That(target.SessionCount, Is.EqualTo(1));
        Assert.That(target.Apply(Entry(3, Set("k", "again", 4, 2))), Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(target.Apply(Entry(4, IfUnset("lock", "a", 4, 1))), Is.EqualTo(new WriteResult(false, 0)), "acknowledged before the snapshot");
        Assert.That(Value(target, "k"), Is.EqualTo("v"));
    }

    [Test]
    public void Restore_VersionOneImage_RestoresEngineWithNoSessions()
    {
        var engine = new DictionaryKvdb();
        engine.Set("k", Bytes("old"), new DKV.Core.Storage.WriteStamp(1, LeaderTime));
        using var image = new MemoryStream();
        using (var writer = new BinaryWriter(image, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0x4B565331u);
            writer.Write(1UL);
        }

        engine.Save(image);
        image.Position = 0;
        var target = new KvStateMachine(new DictionaryKvdb());

        Assert.That(target.RestoreSnapshot(image), Is.EqualTo(1UL));
        Assert.That(Value(target, "k"), Is.EqualTo("old"));
        Assert.That(target.SessionCount, Is.Zero);
    }

    [Test]
    public void Restore_SessionTableCutOffOrAboveLimits_ThrowsCorruptAndKeepsState()
    {
        var source = new KvStateMachine(new DictionaryKvdb());
        source.Apply(Entry(1, Set("a", "1", 1, 1)));
        source.Apply(Entry(2, Set("b", "2", 2, 1)));
        using var image = new MemoryStream();
        source.SaveSnapshot(image);
        byte[] bytes = image.ToArray();

        var target = new KvStateMachine(new DictionaryKvdb(), new KvSessionOptions { MaxSessions = 1 });
        target.Apply(Entry(1, Set("mine", "x", 9, 1)));
        var tooMany = Assert.Throws<DkvException>(() => target.RestoreSnapshot(new MemoryStream(bytes)));
        var cut = Assert.Throws<DkvException>(() => new KvStateMachine(new DictionaryKvdb()).RestoreSnapshot(new MemoryStream(bytes[..30])));

        Assert.That(tooMany!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(tooMany.Message, Does.Contain("MaxSessions"));
        Assert.That(cut!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That((target.AppliedIndex, Value(target, "mine"), target.SessionCount), Is.EqualTo((1UL, "x", 1)));
    }

    [Test]
    public void Codec_AcknowledgedBelow_RoundTrips()
    {
        KvCommand decoded = KvCommandCodec.Decode(KvCommandCodec.Encode(Set("k", "v", 3, 9, acknowledgedBelow: 7)));
        Assert.That((decoded.ClientId, decoded.Sequence, decoded.AcknowledgedBelow), Is.EqualTo((3UL, 9UL, 7UL)));
    }

    [Test]
    public void Codec_VersionOneBytes_DecodeWithAcknowledgedBelowZero()
    {
        byte[] v2 = KvCommandCodec.Encode(Set("key", "value", 3, 9, acknowledgedBelow: 7));
        // Version 1 is version 2 without the 8-byte acknowledged-below field after the sequence (offset 42).
        byte[] v1 = [KvCommandCodec.Version1, .. v2[1..42], .. v2[50..]];

        KvCommand decoded = KvCommandCodec.Decode(v1);

        Assert.That((decoded.Key, decoded.ClientId, decoded.Sequence, decoded.AcknowledgedBelow), Is.EqualTo(("key", 3UL, 9UL, 0UL)));
        Assert.That(decoded.Value.ToArray(), Is.EqualTo(Bytes("value")));
    }

    [Test]
    public void Options_OutOfRange_ThrowInvalidArgumentNamingTheOption()
    {
        var ex = Assert.Throws<DkvException>(() => new KvStateMachine(new DictionaryKvdb(), new KvSessionOptions { MaxSessions = 0 }));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("MaxSessions"));
        Assert.Throws<DkvException>(() => new KvSessionOptions { SessionIdleTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<DkvException>(() => new KvSessionOptions { MaxResultsPerSession = 0 }.Validate());
    }
}
