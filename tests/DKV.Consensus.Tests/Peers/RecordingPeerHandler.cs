using System.Threading.Channels;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;

namespace DKV.Consensus.Tests.Peers;

/// <summary>An <see cref="IPeerHandler"/> that records what arrives in channels tests wait on with deadlines.</summary>
internal sealed class RecordingPeerHandler : IPeerHandler
{
    /// <summary>How long a test waits for something that normally takes milliseconds (generous: CI runs on 2 busy cores).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public Channel<RaftMessage> Messages { get; } = Channel.CreateUnbounded<RaftMessage>();

    public Channel<ulong> Unreachable { get; } = Channel.CreateUnbounded<ulong>();

    public Channel<(ulong GroupId, ulong To, bool Succeeded)> SnapshotOutcomes { get; } = Channel.CreateUnbounded<(ulong, ulong, bool)>();

    /// <summary>Answers requests; by default echoes the payload length in <see cref="PeerReply.Index"/>.</summary>
    public Func<ulong, PeerRequest, CancellationToken, ValueTask<PeerReply>> OnRequest { get; set; } =
        (from, request, _) => ValueTask.FromResult(new PeerReply(DKV.Core.Errors.DkvErrorCode.None, null, true, (ulong)request.Payload.Length, from));

    public void OnRaftMessage(RaftMessage message) => Messages.Writer.TryWrite(message);

    public void OnPeerUnreachable(ulong peerId) => Unreachable.Writer.TryWrite(peerId);

    public void OnSnapshotSent(ulong groupId, ulong to, bool succeeded) => SnapshotOutcomes.Writer.TryWrite((groupId, to, succeeded));

    public ValueTask<PeerReply> OnRequestAsync(ulong from, PeerRequest request, CancellationToken cancellationToken) =>
        OnRequest(from, request, cancellationToken);

    /// <summary>The next item, or a test failure naming <paramref name="what"/> once <see cref="Deadline"/> passes.</summary>
    public static async Task<T> NextAsync<T>(Channel<T> channel, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            return await channel.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no {what} within {Deadline}");
            throw;
        }
    }
}
