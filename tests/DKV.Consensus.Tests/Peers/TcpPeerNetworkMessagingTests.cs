using System.Net;
using System.Net.Sockets;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Peers;

[TestFixture]
[CancelAfter(120_000)]
public sealed class TcpPeerNetworkMessagingTests
{
    [Test]
    public async Task Send_ThreeNetworks_EveryMessageArrivesInOrderPerSender()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(3);
        const int PerPair = 200;
        for (ulong sequence = 0; sequence < PerPair; sequence++)
        {
            foreach (ulong from in cluster.Networks.Keys)
            {
                foreach (ulong to in cluster.Networks.Keys.Where(id => id != from))
                {
                    Assert.That(cluster.Networks[from].Send(PeerTestCluster.Message(from, to, sequence, payloadBytes: 16)), Is.True);
                }
            }
        }

        foreach (ulong to in cluster.Networks.Keys)
        {
            await ExpectInOrderAsync(cluster.Handlers[to], to, cluster.Networks.Keys.Where(id => id != to).ToArray(), PerPair);
        }
    }

    [Test]
    public async Task Send_TenThousandMessages_ArriveInOrderPerSenderInFewWrites()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(3, options => options with { QueueCapacity = 20_000 });
        const int PerSender = 10_000;
        for (ulong sequence = 0; sequence < PerSender; sequence++)
        {
            Assert.That(cluster.Networks[1].Send(PeerTestCluster.Message(1, 3, sequence, payloadBytes: 32)), Is.True);
            Assert.That(cluster.Networks[2].Send(PeerTestCluster.Message(2, 3, sequence, payloadBytes: 32)), Is.True);
        }

        await ExpectInOrderAsync(cluster.Handlers[3], 3, [1, 2], PerSender);
        long writes = cluster.Networks[1].WritesIssued + cluster.Networks[2].WritesIssued;
        Assert.That(writes, Is.LessThan(PerSender), $"{2 * PerSender} messages took {writes} writes: they must be batched");
    }

    [Test]
    public async Task Send_PeerDown_ReturnsAtOnceAndReportsUnreachable()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        await cluster.StopNodeAsync(2);
        for (ulong sequence = 0; sequence < 100; sequence++)
        {
            cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, sequence));
        }

        Assert.That(await RecordingPeerHandler.NextAsync(cluster.Handlers[1].Unreachable, "unreachable report"), Is.EqualTo(2UL));
    }

    [Test]
    public async Task Send_PeerComesBack_TrafficResumes()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        cluster.Proxies[2].Cut();
        cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, 0));
        Assert.That(await RecordingPeerHandler.NextAsync(cluster.Handlers[1].Unreachable, "unreachable report"), Is.EqualTo(2UL));
        await cluster.StopNodeAsync(2);
        await cluster.StartNodeAsync(2);

        // Messages sent while the link is still backing off are dropped; keep sending until one arrives.
        using var deadline = new CancellationTokenSource(RecordingPeerHandler.Deadline);
        RaftMessage? arrived = null;
        for (ulong sequence = 1; arrived is null; sequence++)
        {
            cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, sequence));
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(100));
            try
            {
                arrived = await cluster.Handlers[2].Messages.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // Not yet reconnected: send another.
            }
        }

        Assert.That(arrived.From, Is.EqualTo(1UL));
    }

    [Test]
    public async Task Send_QueueFull_ReturnsFalse([Values] bool limitByBytes)
    {
        // A peer that accepts the connection but never answers the handshake: nothing leaves the queue.
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(4);
        await using var network = new TcpPeerNetwork(new TcpPeerNetworkOptions
        {
            LocalId = 1,
            ListenAddress = "127.0.0.1:0",
            PeerAddresses = new Dictionary<ulong, string> { [2] = silent.LocalEndPoint!.ToString()! },
            QueueCapacity = limitByBytes ? 1000 : 4,
            QueueBytes = limitByBytes ? 4 * RaftMessageCodec.FixedBytes : long.MaxValue,
            ConnectTimeout = TimeSpan.FromMinutes(5),
        });
        await network.StartAsync(new RecordingPeerHandler());
        for (ulong sequence = 0; sequence < 4; sequence++)
        {
            Assert.That(network.Send(PeerTestCluster.Message(1, 2, sequence)), Is.True, $"message {sequence}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(network.Send(PeerTestCluster.Message(1, 2, 4)), Is.False, "the fifth message must be dropped");
            Assert.That(network.Send(PeerTestCluster.Message(1, 9, 0)), Is.False, "an unknown peer must be refused");
        });
    }

    [Test]
    public async Task Read_OversizedOrGarbageFrame_ClosesThatConnectionOnly([Values] bool garbage)
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2, options => options with { MaxMessageBytes = 1 << 20, SnapshotChunkBytes = 64 * 1024 });
        using var rogue = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await rogue.ConnectAsync(IPEndPoint.Parse(cluster.Networks[2].BoundAddress));
        byte[] hello = new byte[PeerWire.HandshakeBytes];
        PeerWire.WriteHandshake(hello, 1);
        await rogue.SendAsync(hello);
        byte[] frame = new byte[PeerWire.FrameHeaderBytes];
        PeerWire.WriteFrameHeader(frame, PeerFrameKind.RaftBatch, garbage ? 8 : (1 << 20) + 1);
        await rogue.SendAsync(garbage ? [.. frame, 1, 2, 3, 4, 5, 6, 7, 8] : frame);

        // The network answers the handshake, then closes: reading reaches the end of the stream.
        byte[] buffer = new byte[256];
        int total = 0;
        int read;
        using var deadline = new CancellationTokenSource(RecordingPeerHandler.Deadline);
        while ((read = await rogue.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
        {
            total += read;
        }

        Assert.That(total, Is.EqualTo(PeerWire.HandshakeBytes), "only the handshake comes back before the close");
        Assert.That(cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, 0)), Is.True);
        Assert.That((await RecordingPeerHandler.NextAsync(cluster.Handlers[2].Messages, "message after the bad frame")).From, Is.EqualTo(1UL));
    }

    [Test]
    public void Create_OptionOutOfRange_ThrowsNamingIt()
    {
        var error = Assert.Throws<DkvException>(() => new TcpPeerNetwork(new TcpPeerNetworkOptions
        {
            LocalId = 1,
            ListenAddress = "127.0.0.1:0",
            PeerAddresses = new Dictionary<ulong, string> { [2] = "127.0.0.1:1" },
            QueueCapacity = 0,
        }));
        Assert.That(error!.Message, Does.Contain("QueueCapacity = 0"));
        Assert.That(Assert.Throws<DkvException>(() => new TcpPeerNetwork(new TcpPeerNetworkOptions
        {
            LocalId = 1,
            ListenAddress = "nowhere",
            PeerAddresses = new Dictionary<ulong, string>(),
        }))!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    private static async Task ExpectInOrderAsync(RecordingPeerHandler handler, ulong to, ulong[] senders, int perSender)
    {
        var next = senders.ToDictionary(id => id, _ => 0UL);
        for (int received = 0; received < senders.Length * perSender; received++)
        {
            RaftMessage message = await RecordingPeerHandler.NextAsync(handler.Messages, $"message {received} at {to}");
            Assert.That(message.To, Is.EqualTo(to));
            Assert.That(message.Index, Is.EqualTo(next[message.From]), $"message from {message.From} out of order at {to}");
            next[message.From]++;
        }
    }
}
