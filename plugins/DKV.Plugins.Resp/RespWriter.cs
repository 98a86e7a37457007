using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace DKV.Plugins.Resp;

/// <summary>Writes RESP2 replies into an <see cref="IBufferWriter{T}"/>. Stateless; each method writes one complete element.</summary>
public static class RespWriter
{
    public static void SimpleString(IBufferWriter<byte> output, string text)
    {
        Line(output, (byte)'+', text);
    }

    /// <summary>An error reply; CR and LF in <paramref name="message"/> become spaces so the reply stays one line.</summary>
    public static void Error(IBufferWriter<byte> output, string message)
    {
        Line(output, (byte)'-', message.Replace('\r', ' ').Replace('\n', ' '));
    }

    public static void Integer(IBufferWriter<byte> output, long value)
    {
        Header(output, (byte)':', value);
    }

    public static void Bulk(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        Header(output, (byte)'$', value.Length);
        output.Write(value);
        output.Write("\r\n"u8);
    }

    public static void Bulk(IBufferWriter<byte> output, string value)
    {
        Bulk(output, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>The null bulk string <c>$-1</c>: Redis's "no value".</summary>
    public static void NullBulk(IBufferWriter<byte> output)
    {
        output.Write("$-1\r\n"u8);
    }

    /// <summary>An array header; the caller then writes <paramref name="count"/> elements.</summary>
    public static void ArrayHeader(IBufferWriter<byte> output, int count)
    {
        Header(output, (byte)'*', count);
    }

    private static void Header(IBufferWriter<byte> output, byte marker, long value)
    {
        Span<byte> span = output.GetSpan(24);
        span[0] = marker;
        Utf8Formatter.TryFormat(value, span[1..], out int written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(3 + written);
    }

    private static void Line(IBufferWriter<byte> output, byte marker, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        Span<byte> span = output.GetSpan(length + 3);
        span[0] = marker;
        Encoding.UTF8.GetBytes(text, span[1..]);
        span[1 + length] = (byte)'\r';
        span[2 + length] = (byte)'\n';
        output.Advance(length + 3);
    }
}
