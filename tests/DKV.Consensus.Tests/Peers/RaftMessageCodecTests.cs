using System.Buffers.Binary;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using FsCheck;
using FsCheck.Fluent;

namespace DKV.Consensus.Tests.Peers;

[TestFixture]
public sealed class RaftMessageCodecTests
{
    [Test]
    public void RoundTrip_RandomMessages_PreserveEveryField()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(500),
            Prop.ForAll(RaftMessageGenerators.Messages(), message =>
            {
                byte[] encoded = Encode(message);
                RaftMessage back = RaftMessageCodec.Decode(encoded, out int consumed);
                return consumed == encoded.Length && RaftMessageGenerators.Describe(back) == RaftMessageGenerators.Describe(message);
            }));
    }

    [Test]
    public void RoundTrip_EveryMessageType_PreservesType([Values] RaftMessageType type)
    {
        var message = new RaftMessage
        {
            Type = type,
            GroupId = 1,
            From = 2,
            To = 3,
            Term = 4,
            Entries = new[] { new LogEntry(5, 4, EntryType.Normal, new byte[] { 1, 2, 3 }) },
            Snapshot = type == RaftMessageType.InstallSnapshot ? new RaftSnapshot(new SnapshotMetadata(9, 4, [1, 2, 3]), new byte[] { 7 }) : null,
        };
        RaftMessage back = RaftMessageCodec.Decode(Encode(message), out _);
        Assert.That(RaftMessageGenerators.Describe(back), Is.EqualTo(RaftMessageGenerators.Describe(message)));
    }

    [Test]
    public void Decode_WithoutSnapshotData_UsesTheReassembledData()
    {
        var message = new RaftMessage
        {
            Type = RaftMessageType.InstallSnapshot, GroupId = 1, From = 2, To = 3,
            Snapshot = new RaftSnapshot(new SnapshotMetadata(9, 4, [1, 2]), new byte[] { 1, 2, 3, 4 }),
        };
        byte[] header = new byte[RaftMessageCodec.GetEncodedSize(message, includeSnapshotData: false)];
        RaftMessageCodec.Encode(message, header, includeSnapshotData: false);
        RaftMessage back = RaftMessageCodec.Decode(header, out _, new byte[] { 1, 2, 3, 4 });
        Assert.That(RaftMessageGenerators.Describe(back), Is.EqualTo(RaftMessageGenerators.Describe(message)));
    }

    [Test]
    public void Decode_EveryTruncation_ThrowsMalformedMessage()
    {
        RaftMessage message = Sample();
        byte[] encoded = Encode(message);
        for (int length = 0; length < encoded.Length; length++)
        {
            var error = Assert.Throws<DkvException>(() => RaftMessageCodec.Decode(encoded.AsSpan(0, length), out _), $"prefix of {length} bytes");
            Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage), $"prefix of {length} bytes");
        }
    }

    [Test]
    public void Decode_HugeDeclaredCounts_ThrowsBeforeAllocating()
    {
        byte[] encoded = Encode(new RaftMessage { Type = RaftMessageType.Append, GroupId = 1, From = 1, To = 2 });
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(RaftMessageCodec.FixedBytes - 4), uint.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DkvException>(() => RaftMessageCodec.Decode(encoded, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage));
            Assert.That(error.Message, Does.Contain("entry count"));
            Assert.That(allocated, Is.LessThan(64 * 1024), "a declared count must be checked against the bytes present before allocating");
        });
    }

    [Test]
    public void Decode_UnknownTypeOrFlags_ThrowsMalformedMessage()
    {
        byte[] encoded = Encode(Sample());
        encoded[0] = 99;
        Assert.That(Assert.Throws<DkvException>(() => RaftMessageCodec.Decode(encoded, out _))!.Message, Does.Contain("type 99"));
        encoded = Encode(Sample());
        encoded[RaftMessageCodec.FixedBytes - 5] = 0x80;
        Assert.That(Assert.Throws<DkvException>(() => RaftMessageCodec.Decode(encoded, out _))!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage));
    }

    [Test]
    public void Decode_RandomGarbage_DecodesOrThrowsTypedErrorWithBoundedAllocation()
    {
        var random = new Random(20261121);
        for (int trial = 0; trial < 5000; trial++)
        {
            byte[] garbage = new byte[random.Next(0, 400)];
            random.NextBytes(garbage);
            if (garbage.Length > 0)
            {
                garbage[0] = (byte)random.Next(1, 13);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                RaftMessageCodec.Decode(garbage, out int consumed);
                Assert.That(consumed, Is.LessThanOrEqualTo(garbage.Length), $"trial {trial}");
            }
            catch (DkvException error)
            {
                Assert.That(error.Code, Is.EqualTo(DkvErrorCode.MalformedMessage), $"trial {trial}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.LessThan((4L * garbage.Length) + 8192), $"trial {trial}: allocation must stay proportional to the input");
        }
    }

    [Test]
    public void ReadFrameHeader_LengthOverMaximum_ThrowsTooLarge()
    {
        byte[] header = new byte[PeerWire.FrameHeaderBytes];
        PeerWire.WriteFrameHeader(header, PeerFrameKind.RaftBatch, 1_000_001);
        var error = Assert.Throws<DkvException>(() => PeerWire.ReadFrameHeader(header, 1_000_000, out _));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
            Assert.That(error.Message, Does.Contain("1000001").And.Contain("MaxMessageBytes"));
        });
        header[0] = 42;
        Assert.That(Assert.Throws<DkvException>(() => PeerWire.ReadFrameHeader(header, int.MaxValue, out _))!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage));
    }

    [Test]
    public void ReadHandshake_WrongMagicOrVersion_ThrowsProtocolMismatch()
    {
        byte[] hello = new byte[PeerWire.HandshakeBytes];
        PeerWire.WriteHandshake(hello, 42);
        Assert.That(PeerWire.ReadHandshake(hello), Is.EqualTo(42UL));
        hello[4] = 77;
        Assert.That(Assert.Throws<DkvException>(() => PeerWire.ReadHandshake(hello))!.Message, Does.Contain("version 77"));
        hello[0] = (byte)'X';
        Assert.That(Assert.Throws<DkvException>(() => PeerWire.ReadHandshake(hello))!.Code, Is.EqualTo(DkvErrorCode.ProtocolMismatch));
    }

    [Test]
    public void CallCodec_RequestAndReply_RoundTrip([Values(null, "", "not the leader: é")] string? errorMessage)
    {
        var request = new PeerRequest(5, PeerRequestKind.Propose, new byte[] { 9, 8, 7 });
        byte[] encoded = new byte[PeerCallCodec.GetRequestSize(request)];
        PeerCallCodec.EncodeRequest(encoded, 11, request);
        ReadOnlySpan<byte> payload = PeerCallCodec.DecodeRequest(encoded, out ulong requestId, out ulong groupId, out PeerRequestKind kind);
        Assert.That((requestId, groupId, kind, payload.ToArray()), Is.EqualTo((11UL, 5UL, PeerRequestKind.Propose, new byte[] { 9, 8, 7 })));

        var reply = new PeerReply(DkvErrorCode.NotLeader, errorMessage, true, 12, 3);
        encoded = new byte[PeerCallCodec.GetReplySize(reply)];
        PeerCallCodec.EncodeReply(encoded, 13, reply);
        Assert.That(PeerCallCodec.DecodeReply(encoded, out ulong replyId), Is.EqualTo(reply));
        Assert.That(replyId, Is.EqualTo(13UL));
    }

    private static RaftMessage Sample() => new()
    {
        Type = RaftMessageType.InstallSnapshot,
        GroupId = 1,
        From = 2,
        To = 3,
        Term = 4,
        Entries = new[] { new LogEntry(5, 4, EntryType.Normal, new byte[] { 1, 2, 3 }), new LogEntry(6, 4, EntryType.Normal, default) },
        Snapshot = new RaftSnapshot(new SnapshotMetadata(9, 4, [1, 2, 3]), new byte[] { 7, 7 }),
    };

    private static byte[] Encode(RaftMessage message)
    {
        byte[] encoded = new byte[RaftMessageCodec.GetEncodedSize(message)];
        Assert.That(RaftMessageCodec.Encode(message, encoded), Is.EqualTo(encoded.Length));
        return encoded;
    }
}
