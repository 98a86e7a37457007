using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Benchmarks.Consensus;

/// <summary>
/// Two <see cref="TcpPeerNetwork"/>s on loopback. <see cref="Messages"/>: node 1 sends 100,000 Append messages with one
/// 128-byte entry each to node 2 and waits until all arrived (one operation = one delivered message). <see cref="Calls"/>:
/// 50 callers on node 1 make 50,000 calls in total to node 2, whose handler answers at once (one operation = one round trip).
/// </summary>
[MemoryDiagnoser]
[InProcess] // no generated project to build: on a busy 2-core machine that build alone can pass BenchmarkDotNet's 2-minute limit
[WarmupCount(3)]
[IterationCount(10)]
public class PeerTransportBenchmarks
{
    private const int MessagesPerInvoke = 100_000;
    private const int CallsPerInvoke = 50_000;
    private const int CallersInFlight = 50;

    private readonly CountingHandler _receiver = new();
    private readonly RaftMessage[] _messages = new RaftMessage[MessagesPerInvoke];
    private TcpPeerNetwork _sender = null!;
    private TcpPeerNetwork _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Both address lists must be known before either binds: reserve node 1's port, then give it back to node 1.
        string senderAddress = ReservePort();
        _target = new TcpPeerNetwork(Options(2, "127.0.0.1:0", new Dictionary<ulong, string> { [1] = senderAddress }));
        _target.StartAsync(_receiver).AsTask().GetAwaiter().GetResult();
        _sender = new TcpPeerNetwork(Options(1, senderAddress, new Dictionary<ulong, string> { [2] = _target.BoundAddress }));
        _sender.StartAsync(new CountingHandler()).AsTask().GetAwaiter().GetResult();
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            _messages[i] = new RaftMessage
            {
                Type = RaftMessageType.Append,
                GroupId = 1,
                From = 1,
                To = 2,
                Term = 1,
                Index = (ulong)i,
                Entries = new[] { new LogEntry((ulong)i + 1, 1, EntryType.Normal, new byte[128]) },
            };
        }

        Calls().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _target.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task Messages()
    {
        Task all = _receiver.Expect(MessagesPerInvoke);
        foreach (RaftMessage message in _messages)
        {
            while (!_sender.Send(message))
            {
                // Queue full: the writer is behind; give it the core.
                await Task.Yield();
            }
        }

        await all.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public async Task Calls()
    {
        var callers = new Task[CallersInFlight];
        for (int c = 0; c < callers.Length; c++)
        {
            callers[c] = CallLoopAsync(CallsPerInvoke / CallersInFlight);
        }

        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1));
    }

    private async Task CallLoopAsync(int count)
    {
        byte[] payload = new byte[128];
        for (int i = 0; i < count; i++)
        {
            PeerReply reply = await _sender.CallAsync(2, new PeerRequest(1, PeerRequestKind.Propose, payload));
            if (reply.Error != DkvErrorCode.None)
            {
                throw new InvalidOperationException($"call failed: {reply.ErrorMessage}");
            }
        }
    }

    private static TcpPeerNetworkOptions Options(ulong id, string listen, Dictionary<ulong, string> peers) => new()
    {
        LocalId = id,
        ListenAddress = listen,
        PeerAddresses = peers,
        QueueCapacity = 131_072,
    };

    private static string ReservePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!.ToString()!;
    }

    /// <summary>Counts messages and answers calls at once.</summary>
    private sealed class CountingHandler : IPeerHandler
    {
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining;

        public Task Expect(int count)
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, count);
            return _done.Task;
        }

        public void OnRaftMessage(RaftMessage message)
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.TrySetResult();
            }
        }

        public void OnPeerUnreachable(ulong peerId)
        {
        }

        public void OnSnapshotSent(ulong groupId, ulong to, bool succeeded)
        {
        }

        public ValueTask<PeerReply> OnRequestAsync(ulong from, PeerRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new PeerReply(DkvErrorCode.None, null, true, 1, 2));
    }
}
