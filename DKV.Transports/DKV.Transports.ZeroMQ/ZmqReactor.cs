using System.Buffers;
using System.Collections.Concurrent;
using DKV.Transports.ZeroMQ.Interop;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// One libzmq context and the dedicated I/O thread that owns every socket created in it. libzmq sockets are not thread-safe, and
/// <c>zmq_poll</c> blocks a thread, so a named background thread (not a thread-pool thread) runs the poll loop; other threads talk
/// to it only through <see cref="Post"/> (a lock-free queue plus a wake-up message on an inproc PAIR socket). No busy loop: the
/// thread sleeps in <c>zmq_poll</c> until a socket is ready or work is posted.
/// </summary>
internal sealed class ZmqReactor : IDisposable
{
    private static long s_nextId;

    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly List<IZmqPollable> _pollables = [];
    private readonly ZmqPoller _poller = new();
    private readonly ZmqContextHandle _context;
    private readonly ZmqSocketHandle _wakeReceiver;
    private readonly ZmqSocketHandle _wakeSender;
    private readonly Lock _wakeLock = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _wakeRequested;
    private volatile bool _stopping;

    /// <param name="name">Names the I/O thread, for example <c>dkv-zmq-server</c>.</param>
    /// <param name="logger">Receives failures of posted work.</param>
    public ZmqReactor(string name, ILogger logger)
    {
        _logger = logger;
        _context = ZmqNative.CreateContext();
        long id = Interlocked.Increment(ref s_nextId);
        string wakeAddress = $"inproc://dkv-zmq-wake-{Environment.ProcessId}-{id}";
        _wakeReceiver = ZmqSocketHandle.Create(_context, Libzmq.ZMQ_PAIR);
        _wakeSender = ZmqSocketHandle.Create(_context, Libzmq.ZMQ_PAIR);
        ZmqNative.SetInt(_wakeReceiver, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.SetInt(_wakeSender, Libzmq.ZMQ_LINGER, 0);
        ZmqNative.Bind(_wakeReceiver, wakeAddress);
        ZmqNative.Connect(_wakeSender, wakeAddress);
        _poller.Add(_wakeReceiver, Libzmq.ZMQ_POLLIN);
        _thread = new Thread(Run) { IsBackground = true, Name = $"{name}-{id}" };
        _thread.Start();
    }

    /// <summary>The context sockets of this reactor are created in (on the I/O thread).</summary>
    public ZmqContextHandle Context => _context;

    /// <summary>True when called on the I/O thread.</summary>
    public bool IsIoThread => Thread.CurrentThread == _thread;

    /// <summary>Completes once the I/O thread has exited.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Runs <paramref name="action"/> on the I/O thread, soon. Thread-safe. Returns false once the reactor is stopping.</summary>
    public bool Post(Action action)
    {
        if (_stopping)
        {
            return false;
        }

        _commands.Enqueue(action);
        Wake();
        return true;
    }

    /// <summary>Runs <paramref name="func"/> on the I/O thread and returns its result (or exception).</summary>
    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = Post(() =>
        {
            try
            {
                done.TrySetResult(func());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(ZmqReactor), "the ZeroMQ I/O thread has stopped"));
        }

        return done.Task;
    }

    /// <summary>
    /// Waits for the I/O thread to exit, at most <paramref name="timeout"/>; a thread still inside libzmq after that (a stuck
    /// peer during linger) is logged and left behind rather than hanging the caller.
    /// </summary>
    public async Task StoppedWithin(TimeSpan timeout)
    {
        try
        {
            await _stopped.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ZmqLog.StopTimedOut(_logger, _thread.Name ?? "zmq", timeout);
        }
    }

    /// <summary>Adds a socket to the poll set. I/O thread only.</summary>
    public void Register(IZmqPollable pollable)
    {
        AssertIoThread();
        _pollables.Add(pollable);
        _poller.Add(pollable.Socket, pollable.WantedEvents);
    }

    /// <summary>Removes a socket from the poll set (the caller then disposes it). I/O thread only.</summary>
    public void Unregister(IZmqPollable pollable)
    {
        AssertIoThread();
        if (_pollables.Remove(pollable))
        {
            _poller.Remove(pollable.Socket);
        }
    }

    /// <summary>
    /// Asks the I/O thread to stop after the work already posted; it then closes every socket still registered and terminates
    /// the context. Never blocks; await <see cref="Stopped"/> to know when it is done.
    /// </summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _commands.Enqueue(() => _stopping = true);
        Wake();
    }

    private void AssertIoThread()
    {
        if (!IsIoThread)
        {
            throw new InvalidOperationException("ZeroMQ sockets may be used only on their reactor's I/O thread");
        }
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) != 0)
        {
            return;
        }

        // The sender socket is used by many threads, one at a time under the lock: libzmq allows moving a socket between
        // threads with a full memory barrier, which the lock provides. EAGAIN means a wake-up is already queued.
        lock (_wakeLock)
        {
            if (!_wakeSender.IsClosed)
            {
                ZmqNative.TrySend(_wakeSender, [], more: false);
            }
        }
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                for (int i = 0; i < _pollables.Count; i++)
                {
                    _poller.SetEvents(i + 1, _pollables[i].WantedEvents);
                }

                _poller.Poll(-1);
                if ((_poller.ReturnedEvents(0) & Libzmq.ZMQ_POLLIN) != 0)
                {
                    DrainWakeups();
                }

                Volatile.Write(ref _wakeRequested, 0);
                RunCommands();
                DispatchReady();
            }
        }
        catch (Exception ex)
        {
            ZmqLog.ReactorFailed(_logger, _thread.Name ?? "zmq", ex);
        }
        finally
        {
            _stopping = true;
            Shutdown();
        }
    }

    private void DrainWakeups()
    {
        while (ZmqNative.TryReceive(_wakeReceiver, out byte[] data, out _, out _, out _))
        {
            if (data.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(data);
            }
        }
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out Action? command))
        {
            try
            {
                command();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ZmqLog.CommandFailed(_logger, ex);
            }
        }
    }

    private void DispatchReady()
    {
        // Snapshot: a handler may register or unregister sockets.
        int count = _pollables.Count;
        if (count == 0)
        {
            return;
        }

        var ready = ArrayPool<(IZmqPollable, short)>.Shared.Rent(count);
        int readyCount = 0;
        for (int i = 0; i < count; i++)
        {
            short events = _poller.ReturnedEvents(i + 1);
            if (events != 0)
            {
                ready[readyCount++] = (_pollables[i], events);
            }
        }

        try
        {
            for (int i = 0; i < readyCount; i++)
            {
                (IZmqPollable pollable, short events) = ready[i];
                if (_pollables.Contains(pollable))
                {
                    pollable.OnReady(events);
                }
            }
        }
        finally
        {
            ArrayPool<(IZmqPollable, short)>.Shared.Return(ready, clearArray: true);
        }
    }

    private void Shutdown()
    {
        RunCommands();
        foreach (IZmqPollable pollable in _pollables.ToArray())
        {
            try
            {
                pollable.OnReactorStopping();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ZmqLog.CommandFailed(_logger, ex);
            }
        }

        foreach (IZmqPollable pollable in _pollables.ToArray())
        {
            _poller.Remove(pollable.Socket);
            pollable.Socket.Dispose();
        }

        _pollables.Clear();
        _poller.Remove(_wakeReceiver);
        _wakeReceiver.Dispose();
        lock (_wakeLock)
        {
            _wakeSender.Dispose();
        }

        _context.Dispose();
        _stopped.TrySetResult();
    }
}
