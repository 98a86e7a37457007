using System.Buffers;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Rpc;
using DKV.Core.Transport;
using DKV.Serializers.Binary;
using DKV.Transports.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Transports.Tests.Rpc;

/// <summary><see cref="RpcServer"/> on its own: routing, validation and error answers without a network.</summary>
public sealed class RpcServerTests
{
    private readonly BinarySerializer _binary = new();
    private FakeStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new FakeStore();

    [Test]
    public void Constructor_DuplicateShardIds_ThrowsNamingTheId()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RpcServer(_binary, [new RpcShard(5, "lstore", _store), new RpcShard(5, "lockmgr(lstore)", new FakeLockManager())], NullLoggerFactory.Instance));

        Assert.That(ex!.Message, Does.Contain("shard id 5 is used twice"));
    }

    [Test]
    public async Task Handle_RequestWithoutKey_AnswersInvalidArgument()
    {
        Message answer = await HandleAsync(new Message { Type = MessageType.Get });

        Assert.That(answer.ErrorCode, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(answer.Error, Does.Contain("get request to shard 1 (lstore) needs a key"));
        Assert.That(_store.Calls, Is.Zero);
    }

    [Test]
    public async Task Handle_AnswerCannotBeEncoded_AnswersInternalInstead()
    {
        _store.Failure = new DkvException(DkvErrorCode.NotLeader, "lone surrogate \uD800 cannot be UTF-8");

        Message answer = await HandleAsync(new Message { Type = MessageType.Has, Key = "k" });

        Assert.That(answer.ErrorCode, Is.EqualTo(DkvErrorCode.Internal));
        Assert.That(answer.Error, Does.Contain("could not be encoded"));
    }

    [Test]
    public async Task Handle_Get_AnswersFoundValueAndIndex()
    {
        await _store.SetAsync("k", "v"u8.ToArray());

        Message answer = await HandleAsync(new Message { Type = MessageType.Get, Key = "k" });

        Assert.Multiple(() =>
        {
            Assert.That(answer.IsError, Is.False);
            Assert.That(answer.Ok, Is.True);
            Assert.That(answer.Value!.Value.ToArray(), Is.EqualTo("v"u8.ToArray()));
            Assert.That(answer.Index, Is.EqualTo(1UL));
        });
    }

    private async Task<Message> HandleAsync(Message request)
    {
        var server = new RpcServer(_binary, [new RpcShard(1, "lstore", _store)], NullLoggerFactory.Instance);
        var requestBytes = new ArrayBufferWriter<byte>();
        _binary.Serialize(request, requestBytes);
        using var response = new PooledBufferWriter();

        await server.HandleAsync(1, requestBytes.WrittenMemory, response, CancellationToken.None);

        return _binary.Deserialize(response.WrittenMemory.Span);
    }
}
