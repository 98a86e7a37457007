using System.Buffers;
using System.Buffers.Binary;
using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.ZeroMQ;

/// <summary>One event from a <c>zmq_socket_monitor</c> PAIR socket: event id, value (a file descriptor or an errno) and endpoint.</summary>
internal readonly record struct ZmqMonitorEvent(int Event, int Value)
{
    /// <summary>Reads one whole event (two parts) without blocking; false when none is waiting (I/O thread only).</summary>
    public static bool TryRead(ZmqSocketHandle monitor, out ZmqMonitorEvent monitorEvent)
    {
        monitorEvent = default;
        if (!ZmqNative.TryReceive(monitor, out byte[] head, out int length, out bool more, out _))
        {
            return false;
        }

        try
        {
            if (length >= 6)
            {
                monitorEvent = new ZmqMonitorEvent(
                    BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(head) : BinaryPrimitives.ReadUInt16BigEndian(head),
                    BitConverter.IsLittleEndian ? BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(2)) : BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(2)));
            }
        }
        finally
        {
            Return(head);
        }

        while (more && ZmqNative.TryReceive(monitor, out byte[] rest, out _, out more, out _))
        {
            Return(rest);
        }

        return true;
    }

    public string Name => Event switch
    {
        Libzmq.ZMQ_EVENT_CONNECTED => "connected",
        Libzmq.ZMQ_EVENT_CONNECT_RETRIED => "connect-retried",
        Libzmq.ZMQ_EVENT_ACCEPTED => "accepted",
        Libzmq.ZMQ_EVENT_CLOSED => "closed",
        Libzmq.ZMQ_EVENT_DISCONNECTED => "disconnected",
        Libzmq.ZMQ_EVENT_HANDSHAKE_SUCCEEDED => "handshake-succeeded",
        _ => $"0x{Event:x}",
    };

    private static void Return(byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
