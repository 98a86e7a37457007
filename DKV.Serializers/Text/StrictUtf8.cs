using System.Text;
using DKV.Core.Errors;

namespace DKV.Serializers.Text;

/// <summary>
/// Strict UTF-8 for every serializer: a string with a lone surrogate cannot be written (invalid argument, checked before anything
/// is written) and bytes that are not valid UTF-8 cannot be read (malformed message). Never substitutes replacement characters.
/// </summary>
internal static class StrictUtf8
{
    private static readonly UTF8Encoding s_encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 byte count of <paramref name="text"/>; throws <see cref="DkvErrorCode.InvalidArgument"/> for invalid UTF-16.</summary>
    public static int GetByteCount(string text, string format, string field)
    {
        try
        {
            return s_encoding.GetByteCount(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"{format} serializer: {field} contains a lone UTF-16 surrogate at index {ex.Index}; strings must be valid Unicode to be sent as UTF-8",
                ex);
        }
    }

    /// <summary>True when <paramref name="text"/> holds no lone surrogate (so it can be written as UTF-8).</summary>
    public static bool IsValidUtf16(string text)
    {
        try
        {
            s_encoding.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Encodes text already validated by <see cref="GetByteCount"/> into <paramref name="destination"/>.</summary>
    public static int GetBytes(string text, Span<byte> destination) => s_encoding.GetBytes(text, destination);

    /// <summary>Decodes <paramref name="bytes"/>; throws <see cref="DkvErrorCode.MalformedMessage"/> when they are not valid UTF-8.</summary>
    public static string GetString(ReadOnlySpan<byte> bytes, string format, string field)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            return s_encoding.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"{format} message: {field} is not valid UTF-8", ex);
        }
    }
}
