using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Core;

public sealed class KvStateMachineTests
{
    private static readonly long s_leaderTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    public void Codec_RoundTrip_PreservesEveryField()
    {
        var command = new KvCommand(KvOperation.CompareAndSetE, "clé", new byte[] { 1, 2, 3 }, new byte[] { 9 },
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9), s_leaderTime, 77, 12);

        KvCommand decoded = KvCommandCodec.Decode(KvCommandCodec.Encode(command));

        Assert.That(decoded.Operation, Is.EqualTo(command.Operation));
        Assert.That(decoded.Key, Is.EqualTo("clé"));
        Assert.That(decoded.Value.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(decoded.Expected.ToArray(), Is.EqualTo(new byte[] { 9 }));
        Assert.That((decoded.ExpireAfter, decoded.DeleteAfter), Is.EqualTo((command.ExpireAfter, command.DeleteAfter)));
        Assert.That((decoded.LeaderTimestampUtcTicks, decoded.ClientId, decoded.Sequence), Is.EqualTo((s_leaderTime, 77UL, 12UL)));
    }

    [Test]
    public void Codec_TruncatedOrExtendedOrUnknownVersion_ThrowsCorrupt()
    {
        byte[] good = KvCommandCodec.Encode(Set("k", "v", 1));
        byte[] badVersion = [.. good];
        badVersion[0] = 99;

        foreach (byte[] bad in new[] { good[..^1], [.. good, 0], badVersion, good[..10] })
        {
            var ex = Assert.Throws<DkvException>(() => KvCommandCodec.Decode(bad));
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        }
    }

    [Test]
    public void Apply_SetEOnTwoReplicas_DeadlinesComeFromLeaderTimestamp()
    {
        var entry = Entry(1, new KvCommand(KvOperation.SetE, "k", Bytes("v"), default, TimeSpan.FromSeconds(10), TimeSpan.Zero, s_leaderTime, 0, 0));
        var a = new KvStateMachine(new DictionaryKvdb());
        var b = new KvStateMachine(new DictionaryKvdb());

        Assert.That(a.Apply(entry), Is.EqualTo(new DKV.Core.Stores.WriteResult(true, 1)));
        b.Apply(entry);

        long justBefore = s_leaderTime + TimeSpan.FromSeconds(10).Ticks - 1;
        Assert.That(a.Get("k", justBefore).Found, Is.True);
        Assert.That(b.Get("k", justBefore).Found, Is.True);
        Assert.That(a.Get("k", justBefore + 1).Found, Is.False, "expired exactly at leader time + 10 s on every replica");
        Assert.That(b.Get("k", justBefore + 1).Found, Is.False);
    }

    [Test]
    public void Apply_ConditionalWrites_ReportWhetherApplied()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        sm.Apply(Entry(1, Set("k", "a", 1)));

        var ifUnset = new KvCommand(KvOperation.SetEIfUnset, "k", Bytes("b"), default, TimeSpan.Zero, TimeSpan.Zero, s_leaderTime, 0, 0);
        var cad = new KvCommand(KvOperation.CompareAndDelete, "k", default, Bytes("a"), TimeSpan.Zero, TimeSpan.Zero, s_leaderTime, 0, 0);

        Assert.That(sm.Apply(Entry(2, ifUnset)).Applied, Is.False);
        Assert.That(sm.Apply(new LogEntry(3, 1, EntryType.Normal, ReadOnlyMemory<byte>.Empty)).Applied, Is.False, "a no-op");
        Assert.That(sm.Apply(Entry(4, cad)), Is.EqualTo(new DKV.Core.Stores.WriteResult(true, 4)));
        Assert.That(sm.Has("k", s_leaderTime), Is.False);
        Assert.That(sm.AppliedIndex, Is.EqualTo(4UL));
    }

    [Test]
    public void Apply_IndexGap_ThrowsSafetyException()
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        Assert.Throws<RaftSafetyException>(() => sm.Apply(Entry(2, Set("k", "v", 2))));
    }

    [Test]
    public void Snapshot_SaveThenRestore_SameContentAndAppliedIndex()
    {
        var source = new KvStateMachine(new DictionaryKvdb());
        source.Apply(Entry(1, Set("a", "1", 1)));
        source.Apply(Entry(2, Set("b", "2", 2)));
        using var stream = new MemoryStream();
        Assert.That(source.SaveSnapshot(stream), Is.EqualTo(2UL));

        stream.Position = 0;
        var target = new KvStateMachine(new DictionaryKvdb());
        Assert.That(target.RestoreSnapshot(stream), Is.EqualTo(2UL));

        Assert.That(target.AppliedIndex, Is.EqualTo(2UL));
        Assert.That(Encoding.UTF8.GetString(target.Get("b", s_leaderTime).Value.Span), Is.EqualTo("2"));
        Assert.That(target.Apply(Entry(3, Set("c", "3", 3))).Applied, Is.True);
    }

    private static KvCommand Set(string key, string value, ulong sequence) =>
        new(KvOperation.Set, key, Bytes(value), default, TimeSpan.Zero, TimeSpan.Zero, s_leaderTime, 1, sequence);

    private static LogEntry Entry(ulong index, KvCommand command) => new(index, 1, EntryType.Normal, KvCommandCodec.Encode(command));

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
