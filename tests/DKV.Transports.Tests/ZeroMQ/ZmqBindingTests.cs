using System.Buffers;
using DKV.Core.Errors;
using DKV.Transports.Tests.Conformance;
using DKV.Transports.ZeroMQ;
using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.Tests.ZeroMQ;

/// <summary>The thin libzmq binding: loading, version, socket lifecycle and SafeHandle ownership.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ZmqBindingTests
{
    [OneTimeSetUp]
    public void RequireLibzmq() => ZmqAvailability.IgnoreUnlessLoadable();

    [Test]
    public void LibraryVersion_Loaded_IsLibzmqFour()
    {
        Version version = ZmqTransportFactory.LibraryVersion;

        Assert.That(version.Major, Is.EqualTo(4));
        Assert.That(version, Is.GreaterThanOrEqualTo(new Version(4, 2, 0)), "heartbeats and ZMQ_EVENT_HANDSHAKE_* need 4.2+");
    }

    [Test]
    public void PairSockets_OverInproc_CarryMultipartMessages()
    {
        using ZmqContextHandle context = ZmqNative.CreateContext();
        using ZmqSocketHandle a = ZmqSocketHandle.Create(context, Libzmq.ZMQ_PAIR);
        using ZmqSocketHandle b = ZmqSocketHandle.Create(context, Libzmq.ZMQ_PAIR);
        ZmqNative.SetInt(a, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.SetInt(b, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.Bind(a, "inproc://binding-test-pair");
        ZmqNative.Connect(b, "inproc://binding-test-pair");

        Assert.That(ZmqNative.TrySend(b, [], more: true), Is.Zero);
        Assert.That(ZmqNative.TrySend(b, "hello"u8, more: false), Is.Zero);
        var poller = new ZmqPoller();
        poller.Add(a, Libzmq.ZMQ_POLLIN);
        int ready = poller.Poll(5_000);
        bool gotFirst = ZmqNative.TryReceive(a, out byte[] first, out int firstLength, out bool firstMore, out _);
        bool gotSecond = ZmqNative.TryReceive(a, out byte[] second, out int secondLength, out bool secondMore, out _);
        bool gotThird = ZmqNative.TryReceive(a, out _, out _, out _, out _);
        poller.Remove(a);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.EqualTo(1));
            Assert.That((gotFirst, firstLength, firstMore), Is.EqualTo((true, 0, true)));
            Assert.That((gotSecond, secondMore), Is.EqualTo((true, false)));
            Assert.That(second.AsSpan(0, secondLength).ToArray(), Is.EqualTo("hello"u8.ToArray()));
            Assert.That(gotThird, Is.False, "nothing more is waiting (EAGAIN is not an error)");
        });
        ArrayPool<byte>.Shared.Return(second);
        Assert.That(first, Is.Empty);
    }

    [Test]
    public void SocketHandle_Disposed_IsClosedAndRefusesFurtherCalls()
    {
        using ZmqContextHandle context = ZmqNative.CreateContext();
        ZmqSocketHandle socket = ZmqSocketHandle.Create(context, Libzmq.ZMQ_DEALER);

        socket.Dispose();

        Assert.That(socket.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => ZmqNative.SetInt(socket, Libzmq.ZMQ_LINGER, 0));
    }

    [Test]
    public async Task ContextHandle_DisposedBeforeItsSocket_IsTerminatedOnlyAfterTheSocketCloses()
    {
        ZmqContextHandle context = ZmqNative.CreateContext();
        ZmqSocketHandle socket = ZmqSocketHandle.Create(context, Libzmq.ZMQ_DEALER);
        ZmqNative.SetInt(socket, Libzmq.ZMQ_LINGER, 0);

        context.Dispose();
        // zmq_ctx_term would block forever with an open socket; the socket's reference keeps the context alive instead.
        ZmqNative.SetInt(socket, Libzmq.ZMQ_SNDHWM, 5);
        int hwm = ZmqNative.GetInt(socket, Libzmq.ZMQ_SNDHWM);
        Task closing = Task.Run(socket.Dispose);
        await closing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(hwm, Is.EqualTo(5));
        Assert.That(context.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => ZmqSocketHandle.Create(context, Libzmq.ZMQ_DEALER));
    }

    [Test]
    public void Poller_SocketDisposedWhileRegistered_StaysUsableUntilRemoved()
    {
        using ZmqContextHandle context = ZmqNative.CreateContext();
        ZmqSocketHandle socket = ZmqSocketHandle.Create(context, Libzmq.ZMQ_DEALER);
        ZmqNative.SetInt(socket, Libzmq.ZMQ_LINGER, 0);
        var poller = new ZmqPoller();
        poller.Add(socket, Libzmq.ZMQ_POLLIN);

        socket.Dispose();
        int ready = poller.Poll(0);
        poller.Remove(socket);

        Assert.That(ready, Is.Zero, "the poller's reference kept the native socket open");
        Assert.That(poller.Count, Is.Zero);
    }

    [Test]
    public void Bind_EndpointInUse_ThrowsZmqExceptionWithLibzmqText()
    {
        using ZmqContextHandle context = ZmqNative.CreateContext();
        using ZmqSocketHandle first = ZmqSocketHandle.Create(context, Libzmq.ZMQ_ROUTER);
        using ZmqSocketHandle second = ZmqSocketHandle.Create(context, Libzmq.ZMQ_ROUTER);
        ZmqNative.SetInt(first, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.SetInt(second, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.Bind(first, "tcp://127.0.0.1:*");
        string bound = ZmqNative.LastEndpoint(first);

        var ex = Assert.Throws<ZmqException>(() => ZmqNative.Bind(second, bound));

        Assert.That(bound, Does.StartWith("tcp://127.0.0.1:"));
        Assert.That(ex!.Message, Does.Contain("in use").IgnoreCase);
    }

    [Test]
    public void TryLoadAny_NoCandidateExists_NamesEveryNameTried()
    {
        string? failure = ZmqNative.TryLoadAny(["libzmq-does-not-exist.so.9", "libzmq-nor-this.so"], out _);

        Assert.That(failure, Is.EqualTo("tried libzmq-does-not-exist.so.9, libzmq-nor-this.so"));
    }

    [Test]
    public void MissingLibraryMessage_NamesThePackageToInstallAndTheAlternatives()
    {
        var ex = new DkvException(DkvErrorCode.Unavailable, ZmqNative.MissingLibraryMessage("tried libzmq.so.5"));

        Assert.That(ex.Message, Does.Contain("apt-get install libzmq5").And.Contain("tried libzmq.so.5").And.Contain("--transport"));
    }
}
