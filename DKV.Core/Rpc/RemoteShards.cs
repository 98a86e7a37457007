using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Core.Transport;

namespace DKV.Core.Rpc;

/// <summary>Asks a server which shards it serves (<see cref="MessageType.ListShards"/>). Thread-safe; does not own the transport.</summary>
public static class RemoteShards
{
    /// <summary>The shards the server behind <paramref name="transport"/> serves, by id. The request may be retried (it changes nothing).</summary>
    /// <exception cref="DkvException">The server cannot be reached, times out, or answers with something that is not a shard list.</exception>
    public static async ValueTask<IReadOnlyList<ShardDescription>> ListAsync(IClientTransport transport, IRpcSerializer serializer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(serializer);
        Message answer = await RpcCall.InvokeAsync(transport, serializer, 0, new Message { Type = MessageType.ListShards }, idempotent: true, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(answer.Value.GetValueOrDefault().Span, RpcJsonContext.Default.ShardDescriptionArray)
                ?? throw new DkvException(DkvErrorCode.MalformedMessage, "the server answered listShards with JSON null");
        }
        catch (JsonException ex)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"the server answered listShards with JSON that is not a shard list: {ex.Message}", ex);
        }
    }
}
