using System.Buffers.Binary;
using System.Text;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>The bytes of a client write in a log entry: kind, key and value (the expected value for compare-and-delete).</summary>
internal static class KvCommand
{
    public static byte[] Encode(KvInput input)
    {
        byte[] key = Encoding.UTF8.GetBytes(input.Key);
        byte[] value = Encoding.UTF8.GetBytes(input.Value ?? string.Empty);
        var data = new byte[1 + 2 + key.Length + 2 + value.Length];
        data[0] = (byte)input.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), (ushort)key.Length);
        key.CopyTo(data, 3);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(3 + key.Length), (ushort)value.Length);
        value.CopyTo(data, 5 + key.Length);
        return data;
    }

    public static KvInput Decode(ReadOnlySpan<byte> data)
    {
        var kind = (KvOperationKind)data[0];
        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(data[1..]);
        string key = Encoding.UTF8.GetString(data.Slice(3, keyLength));
        int valueLength = BinaryPrimitives.ReadUInt16LittleEndian(data[(3 + keyLength)..]);
        string value = Encoding.UTF8.GetString(data.Slice(5 + keyLength, valueLength));
        return new KvInput(kind, key, kind is KvOperationKind.Get or KvOperationKind.Delete ? null : value);
    }

    /// <summary>A 64-bit FNV-1a hash of an entry's payload, for cross-node comparisons.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
