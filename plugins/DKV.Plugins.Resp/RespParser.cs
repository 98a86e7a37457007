using System.Buffers;
using System.Buffers.Text;

namespace DKV.Plugins.Resp;

/// <summary>
/// Reads one RESP2 command (a multi-bulk array of bulk strings, or an inline command line) from buffered bytes. Every length is
/// checked against its limit before anything is allocated, and an argument's bytes are copied only once all of them have arrived.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class RespParser
{
    private const int MaxLineBytes = 64 * 1024;
    private readonly int _maxArgs;
    private readonly int _maxBulkBytes;

    /// <param name="maxArgs">Most arguments in one command.</param>
    /// <param name="maxBulkBytes">Largest single argument, in bytes.</param>
    public RespParser(int maxArgs, int maxBulkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArgs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBulkBytes, 1);
        _maxArgs = maxArgs;
        _maxBulkBytes = maxBulkBytes;
    }

    /// <summary>
    /// Tries to read one command from the start of <paramref name="buffer"/>. Returns false when more bytes are needed (nothing
    /// is consumed); on success <paramref name="consumed"/> is where the command ended. An empty inline line yields an empty
    /// argument list. Throws <see cref="RespProtocolException"/> for malformed input or a length over a limit.
    /// </summary>
    public bool TryParse(ReadOnlySequence<byte> buffer, out List<byte[]> arguments, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        arguments = [];
        consumed = buffer.Start;
        if (!reader.TryPeek(out byte first))
        {
            return false;
        }

        bool complete = first == (byte)'*' ? TryReadMultiBulk(ref reader, arguments) : TryReadInline(ref reader, arguments);
        if (complete)
        {
            consumed = reader.Position;
        }

        return complete;
    }

    private bool TryReadMultiBulk(ref SequenceReader<byte> reader, List<byte[]> arguments)
    {
        reader.Advance(1);
        if (!TryReadNumber(ref reader, out long count))
        {
            return false;
        }

        if (count < 0 || count > _maxArgs)
        {
            throw new RespProtocolException($"invalid multibulk length {count} (at most {_maxArgs}, resp-max-args)");
        }

        arguments.Capacity = (int)Math.Min(count, 16);
        for (long i = 0; i < count; i++)
        {
            if (!reader.TryRead(out byte marker))
            {
                return false;
            }

            if (marker != (byte)'$')
            {
                throw new RespProtocolException($"expected '$', got '{(char)marker}'");
            }

            if (!TryReadNumber(ref reader, out long length))
            {
                return false;
            }

            if (length < 0 || length > _maxBulkBytes)
            {
                throw new RespProtocolException($"invalid bulk length {length} (at most {_maxBulkBytes}, resp-max-bulk-bytes)");
            }

            if (reader.Remaining < length + 2)
            {
                return false;
            }

            byte[] argument = new byte[length];
            reader.TryCopyTo(argument);
            reader.Advance(length);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                throw new RespProtocolException("bulk string not followed by CRLF");
            }

            arguments.Add(argument);
        }

        return true;
    }

    private static bool TryReadInline(ref SequenceReader<byte> reader, List<byte[]> arguments)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > MaxLineBytes)
            {
                throw new RespProtocolException($"inline command longer than {MaxLineBytes} bytes");
            }

            return false;
        }

        if (line.Length > MaxLineBytes)
        {
            throw new RespProtocolException($"inline command longer than {MaxLineBytes} bytes");
        }

        byte[] text = line.ToArray();
        int end = text.Length > 0 && text[^1] == (byte)'\r' ? text.Length - 1 : text.Length;
        int start = 0;
        for (int i = 0; i <= end; i++)
        {
            if (i == end || text[i] == (byte)' ' || text[i] == (byte)'\t')
            {
                if (i > start)
                {
                    arguments.Add(text[start..i]);
                }

                start = i + 1;
            }
        }

        return true;
    }

    /// <summary>Reads a signed decimal followed by CRLF; false when the line has not fully arrived.</summary>
    private static bool TryReadNumber(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        if (!reader.TryReadTo(out ReadOnlySpan<byte> digits, "\r\n"u8))
        {
            if (reader.Remaining > 32)
            {
                throw new RespProtocolException("length line longer than 32 bytes");
            }

            return false;
        }

        if (digits.Length == 0 || digits.Length > 20 || !Utf8Parser.TryParse(digits, out value, out int used) || used != digits.Length)
        {
            throw new RespProtocolException($"invalid length '{System.Text.Encoding.ASCII.GetString(digits[..Math.Min(digits.Length, 32)])}'");
        }

        return true;
    }
}
