using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DKV.Core.Hashing;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of snapshots and log records.
/// Uses the SSE4.2 or ARMv8 CRC32 instructions when the processor has them and a table otherwise; all paths give the same result.
/// </summary>
/// <remarks>
/// Thread-safe and allocation-free. Values follow the usual convention (initial value and final xor all ones), so
/// <c>Compute("123456789"u8) == 0xE3069283</c>. <see cref="Append"/> continues a checksum: <c>Append(Compute(a), b) == Compute(a + b)</c>.
/// </remarks>
public static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    private static readonly uint[] s_table = CreateTable();

    /// <summary>True when a hardware CRC32C instruction is used.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || Crc32.IsSupported;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (the checksum of the bytes before <paramref name="data"/>; 0 for none) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Sse42.X64.IsSupported)
        {
            state = UpdateSse42X64(state, data);
        }
        else if (Sse42.IsSupported)
        {
            state = UpdateSse42(state, data);
        }
        else if (Crc32.Arm64.IsSupported)
        {
            state = UpdateArm64(state, data);
        }
        else
        {
            state = UpdateTable(state, data);
        }

        return ~state;
    }

    /// <summary>
    /// The table-driven implementation that <see cref="Append"/> falls back to without hardware support.
    /// Public so tests can check that every path agrees.
    /// </summary>
    public static uint AppendPortable(uint crc, ReadOnlySpan<byte> data) => ~UpdateTable(~crc, data);

    private static uint UpdateSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        ulong wide = state;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int offset = 0;
        for (; offset + sizeof(ulong) <= data.Length; offset += sizeof(ulong))
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, offset), sizeof(ulong)));
            wide = Sse42.X64.Crc32(wide, word);
        }

        state = (uint)wide;
        for (; offset < data.Length; offset++)
        {
            state = Sse42.Crc32(state, Unsafe.Add(ref start, offset));
        }

        return state;
    }

    private static uint UpdateSse42(uint state, ReadOnlySpan<byte> data)
    {
        int offset = 0;
        for (; offset + sizeof(uint) <= data.Length; offset += sizeof(uint))
        {
            state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, sizeof(uint))));
        }

        for (; offset < data.Length; offset++)
        {
            state = Sse42.Crc32(state, data[offset]);
        }

        return state;
    }

    private static uint UpdateArm64(uint state, ReadOnlySpan<byte> data)
    {
        int offset = 0;
        for (; offset + sizeof(ulong) <= data.Length; offset += sizeof(ulong))
        {
            state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(offset, sizeof(ulong))));
        }

        for (; offset < data.Length; offset++)
        {
            state = Crc32.ComputeCrc32C(state, data[offset]);
        }

        return state;
    }

    private static uint UpdateTable(uint state, ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        foreach (byte b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < table.Length; i++)
        {
            uint value = i;
            for (int bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (value >> 1) ^ ReflectedPolynomial : value >> 1;
            }

            table[i] = value;
        }

        return table;
    }
}
