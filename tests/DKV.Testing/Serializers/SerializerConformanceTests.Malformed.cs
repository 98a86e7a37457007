using System.Diagnostics;
using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Testing.Serializers;

/// <summary>Decoding input that is truncated, random, mutated or lies about its lengths.</summary>
public abstract partial class SerializerConformanceTests
{
    /// <summary>How long the random-input test may take before it counts as a hang.</summary>
    protected virtual TimeSpan RandomInputDeadline => TimeSpan.FromSeconds(30);

    /// <summary>
    /// Format-specific inputs whose length fields claim far more than the input holds (for example a bin32 header claiming 1 GiB
    /// followed by a few bytes). Each must be refused as malformed without allocating the claimed size. Override to add them.
    /// </summary>
    protected virtual IEnumerable<byte[]> LyingLengthInputs() => [];

    /// <summary>Messages whose encodings the truncation tests cut at every length.</summary>
    protected virtual IEnumerable<Message> TruncationSamples() =>
    [
        new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() },
        new Message { Type = MessageType.Get, Key = string.Empty, Value = Array.Empty<byte>() },
        new Message { Type = MessageType.Has },
        MessageSamples.Complete(40),
        new Message { Type = MessageType.Get, Key = "😀 ключ", ErrorCode = DkvErrorCode.NotLeader, Error = "x", Index = ulong.MaxValue },
    ];

    [Test]
    public void Deserialize_EmptyInput_ThrowsMalformed()
    {
        AssertMalformed([], "empty input");
    }

    [Test]
    public void Deserialize_EveryPrefixOfValidEncodings_ThrowsMalformed()
    {
        foreach (Message message in TruncationSamples())
        {
            byte[] encoded = Encode(message);
            for (int length = 0; length < encoded.Length; length++)
            {
                AssertMalformed(encoded.AsSpan(0, length), $"the first {length} of {encoded.Length} bytes of {MessageSamples.Describe(message)}");
            }
        }
    }

    [Test]
    public void Deserialize_TrailingGarbage_ThrowsMalformed()
    {
        foreach (Message message in TruncationSamples())
        {
            byte[] encoded = [.. Encode(message), 0x00, 0xC1];
            AssertMalformed(encoded, $"{MessageSamples.Describe(message)} followed by two stray bytes");
        }
    }

    [Test]
    public void Deserialize_TruncatedLargeValue_AllocatesNoMoreThanTheInputCouldDescribe()
    {
        // The length headers of a 1 MiB value claim far more than a prefix holds; decoding a prefix must not allocate the claim.
        byte[] encoded = Encode(new Message { Type = MessageType.Set, Key = "k", Value = MessageSamples.Pattern(MaxValueBytes) });
        foreach (int length in new[] { 8, 16, 32, 64, 256, 4096 }.Where(l => l < encoded.Length))
        {
            AssertMalformedWithBoundedAllocation(encoded.AsSpan(0, length), $"the first {length} bytes of a {MaxValueBytes}-byte value");
        }
    }

    [Test]
    public void Deserialize_LyingLengthFields_AllocatesNoMoreThanTheInputCouldDescribe()
    {
        byte[][] inputs = LyingLengthInputs().ToArray();
        if (inputs.Length == 0)
        {
            Assert.Ignore("this serializer's fixture lists no LyingLengthInputs; override it with format-specific inputs");
        }

        foreach (byte[] input in inputs)
        {
            AssertMalformedWithBoundedAllocation(input, $"crafted input {Convert.ToHexString(input)}");
        }
    }

    [Test]
    public void Deserialize_RandomAndMutatedBytes_ThrowOnlyMalformedAndFinish()
    {
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"random input seed {seed}");
        byte[][] valid = TruncationSamples().Select(m => Encode(m)).ToArray();
        var run = Task.Run(() => DecodeRandomInputs(new Random(seed), valid));
        Assert.That(run.Wait(RandomInputDeadline), Is.True, $"decoding random input did not finish within {RandomInputDeadline} (seed {seed}): a hang");
        Assert.That(run.Result, Is.Empty, $"seed {seed}: decoding random input threw something other than DkvException(MalformedMessage)");
    }

    private List<string> DecodeRandomInputs(Random random, byte[][] valid)
    {
        var failures = new List<string>();
        for (int i = 0; i < 3000 && failures.Count < 5; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 80)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid[random.Next(valid.Length)].Clone();
                for (int flips = random.Next(1, 4); flips > 0 && input.Length > 0; flips--)
                {
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                }
            }

            try
            {
                Serializer.Deserialize(input);
            }
            catch (DkvException ex) when (ex.Code == DkvErrorCode.MalformedMessage)
            {
                // expected for most inputs
            }
            catch (Exception ex)
            {
                failures.Add($"{Convert.ToHexString(input)}: {ex.GetType().Name} {ex.Message}");
            }
        }

        return failures;
    }

    /// <summary>Asserts that decoding <paramref name="input"/> throws <see cref="DkvException"/> with <see cref="DkvErrorCode.MalformedMessage"/>.</summary>
    protected void AssertMalformed(ReadOnlySpan<byte> input, string what)
    {
        Exception? thrown = null;
        Message decoded = default;
        try
        {
            decoded = Serializer.Deserialize(input);
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        Assert.That(thrown, Is.Not.Null, $"{what} decoded without error to {MessageSamples.Describe(decoded)}");
        Assert.That(thrown, Is.TypeOf<DkvException>(), $"{what} threw {thrown!.GetType().Name}: {thrown.Message}");
        Assert.That(((DkvException)thrown).Code, Is.EqualTo(DkvErrorCode.MalformedMessage), $"{what}: {thrown.Message}");
    }

    private void AssertMalformedWithBoundedAllocation(ReadOnlySpan<byte> input, string what)
    {
        AssertMalformed(input, what); // warm-up: first-call costs (JIT, type loading) do not count
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Serializer.Deserialize(input);
        }
        catch (DkvException)
        {
            // asserted above
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // An exception with its message and stack trace costs a few KiB; anything proportional to a lying header costs far more.
        long bound = (64 * 1024) + (8L * input.Length);
        Debug.Assert(bound > 0, "bound overflow");
        Assert.That(allocated, Is.LessThanOrEqualTo(bound), $"{what}: decoding allocated {allocated} bytes for {input.Length} bytes of input");
    }
}
