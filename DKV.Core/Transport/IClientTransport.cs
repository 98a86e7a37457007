using System.Buffers;

namespace DKV.Core.Transport;

/// <summary>
/// The calling side of a transport: several connections over one or more endpoints, many requests in flight, answers matched by
/// request id. Thread-safe. Created by <see cref="ITransportFactory.CreateClient"/>.
/// </summary>
public interface IClientTransport : IAsyncDisposable
{
    /// <summary>Opens connections and performs the handshake. A serializer or protocol mismatch throws <see cref="Errors.DkvException"/> with <see cref="Errors.DkvErrorCode.ProtocolMismatch"/>.</summary>
    ValueTask ConnectAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sends one request payload to <paramref name="shardId"/> and returns the response payload, which the caller must dispose.
    /// Fails with <see cref="Errors.DkvErrorCode.Timeout"/> after the configured per-request timeout.
    /// <paramref name="idempotent"/> allows retrying after the request may have reached the server; otherwise only failures that
    /// certainly did not send the request are retried.
    /// </summary>
    ValueTask<IMemoryOwner<byte>> SendAsync(ulong shardId, ReadOnlyMemory<byte> request, bool idempotent, CancellationToken cancellationToken);
}
