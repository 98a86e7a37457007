using System.Buffers;
using System.Runtime.CompilerServices;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Core.Transport;

namespace DKV.Core.Rpc;

/// <summary>One request/answer exchange on the client side: encode, send, decode, turn an error answer into a <see cref="DkvException"/>.</summary>
internal static class RpcCall
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Message> InvokeAsync(IClientTransport transport, IRpcSerializer serializer, ulong shardId, Message request, bool idempotent, CancellationToken cancellationToken)
    {
        using var writer = new PooledBufferWriter();
        serializer.Serialize(request, writer);
        Message answer;
        using (IMemoryOwner<byte> response = await transport.SendAsync(shardId, writer.WrittenMemory, idempotent, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                answer = serializer.Deserialize(response.Memory.Span);
            }
            catch (DkvException ex)
            {
                throw new DkvException(DkvErrorCode.MalformedMessage, $"the answer from shard {shardId} to {MessageTypes.ToName(request.Type)} could not be decoded with serializer '{serializer.Name}': {ex.Message}", ex);
            }
        }

        if (answer.IsError)
        {
            DkvErrorCode code = answer.ErrorCode == DkvErrorCode.None ? DkvErrorCode.Internal : answer.ErrorCode;
            throw new DkvException(code, answer.Error ?? $"shard {shardId} reported {DkvErrorCodes.ToName(code)} without a message");
        }

        if (answer.Type != request.Type)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"shard {shardId} answered a {MessageTypes.ToName(request.Type)} request with a {MessageTypes.ToName(answer.Type)} message");
        }

        return answer;
    }
}
