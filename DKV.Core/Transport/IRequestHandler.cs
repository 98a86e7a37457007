using System.Buffers;

namespace DKV.Core.Transport;

/// <summary>
/// What a server transport calls for each request frame. The RPC server shell implements it (deserialize, route to the shard,
/// serialize the answer). Called concurrently, up to the transport's in-flight limit per connection.
/// </summary>
public interface IRequestHandler
{
    /// <summary>
    /// Handles one request. <paramref name="request"/> is valid only until the returned task completes. The answer is written to
    /// <paramref name="response"/>; a handler never throws for an application failure (it writes an error message instead).
    /// </summary>
    ValueTask HandleAsync(ulong shardId, ReadOnlyMemory<byte> request, IBufferWriter<byte> response, CancellationToken cancellationToken);
}
