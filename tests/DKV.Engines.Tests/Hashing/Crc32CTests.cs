using DKV.Core.Hashing;

namespace DKV.Engines.Tests.Hashing;

public sealed class Crc32CTests
{
    [Test]
    public void Compute_StandardCheckString_MatchesCheckValue()
    {
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
        Assert.That(Crc32C.AppendPortable(0, "123456789"u8), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void Compute_Rfc3720Vectors_Match()
    {
        // RFC 3720 appendix B.4 (iSCSI): 32 zero bytes, 32 bytes of 0xFF, bytes 0..31.
        byte[] zeros = new byte[32];
        byte[] ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        byte[] ascending = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.That(Crc32C.Compute(zeros), Is.EqualTo(0x8A9136AAu));
        Assert.That(Crc32C.Compute(ones), Is.EqualTo(0x62A8AB43u));
        Assert.That(Crc32C.Compute(ascending), Is.EqualTo(0x46DD794Eu));
    }

    [Test]
    public void Compute_Empty_IsZero()
    {
        Assert.That(Crc32C.Compute(ReadOnlySpan<byte>.Empty), Is.Zero);
    }

    [Test]
    public void Compute_EveryLengthUpTo300_HardwareAndPortableAgree()
    {
        var random = new Random(7);
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.That(Crc32C.Compute(data), Is.EqualTo(Crc32C.AppendPortable(0, data)), $"length {length}");
        }
    }

    [Test]
    public void Append_SplitAnywhere_EqualsWhole()
    {
        byte[] data = new byte[100];
        new Random(3).NextBytes(data);
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split++)
        {
            uint first = Crc32C.Compute(data.AsSpan(0, split));
            Assert.That(Crc32C.Append(first, data.AsSpan(split)), Is.EqualTo(whole), $"split at {split}");
        }
    }

    [Test]
    public void Compute_SingleBitFlip_ChangesChecksum()
    {
        byte[] data = new byte[64];
        uint original = Crc32C.Compute(data);
        for (int bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(Crc32C.Compute(data), Is.Not.EqualTo(original), $"bit {bit}");
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
