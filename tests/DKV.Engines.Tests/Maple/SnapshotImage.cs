using System.Buffers.Binary;
using System.Text;
using DKV.Core.Hashing;

namespace DKV.Engines.Tests.Maple;

/// <summary>Writes Maple snapshot bytes by hand (the documented layout), so tests can craft images the engine would never write.</summary>
internal sealed class SnapshotImage
{
    private readonly MemoryStream _bytes = new();

    public SnapshotImage(ulong writeIndex, ulong count, ushort version = 1, ushort flags = 0)
    {
        _bytes.Write("DKVMAPLE"u8);
        WriteUInt16(version);
        WriteUInt16(flags);
        WriteUInt64(writeIndex);
        WriteUInt64(count);
    }

    public SnapshotImage Entry(string key, string value, long expireAt = 0, long deleteAt = 0, ulong index = 1)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] valueBytes = Encoding.UTF8.GetBytes(value);
        WriteUInt32((uint)keyBytes.Length);
        _bytes.Write(keyBytes);
        WriteUInt32((uint)valueBytes.Length);
        _bytes.Write(valueBytes);
        WriteUInt64((ulong)expireAt);
        WriteUInt64((ulong)deleteAt);
        WriteUInt64(index);
        return this;
    }

    /// <summary>The image with a correct checksum appended.</summary>
    public byte[] Finish()
    {
        byte[] content = _bytes.ToArray();
        byte[] result = new byte[content.Length + sizeof(uint)];
        content.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(content.Length), Crc32C.Compute(content));
        return result;
    }

    /// <summary>Recomputes the trailing checksum of an image after a test edited it.</summary>
    public static void Reseal(byte[] image)
    {
        int content = image.Length - sizeof(uint);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(content), Crc32C.Compute(image.AsSpan(0, content)));
    }

    private void WriteUInt16(ushort value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        _bytes.Write(buffer);
    }

    private void WriteUInt32(uint value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        _bytes.Write(buffer);
    }

    private void WriteUInt64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        _bytes.Write(buffer);
    }
}
