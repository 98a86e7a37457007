using System.Buffers;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Binary;

namespace DKV.Serializers.Tests.Conformance;

/// <summary>
/// Shows that each safety check of the conformance suite fails on a planted bug (a test that cannot fail is a defect):
/// each broken serializer is the binary one with exactly one defect.
/// </summary>
[TestFixture]
public sealed class ConformanceSuitePlantedBugTests
{
    [Test]
    public void NullAndEmptyCheck_SerializerTurningEmptyIntoNull_Fails()
    {
        AssertSuiteFails<EmptyBecomesNull>(s => s.RoundTrip_NullAndEmptyFields_StayDistinct());
    }

    [Test]
    public void PropertyCheck_SerializerDroppingMetaTail_Fails()
    {
        AssertSuiteFails<MetaLosesLastByte>(s => s.RoundTrip_RandomMessages_PreserveContent());
    }

    [Test]
    public void PrefixCheck_SerializerThrowingIndexOutOfRange_Fails()
    {
        AssertSuiteFails<UntypedErrorOnShortInput>(s => s.Deserialize_EveryPrefixOfValidEncodings_ThrowsMalformed());
    }

    [Test]
    public void TrailingBytesCheck_SerializerIgnoringTrailingBytes_Fails()
    {
        AssertSuiteFails<IgnoresTrailingBytes>(s => s.Deserialize_TrailingGarbage_ThrowsMalformed());
    }

    [Test]
    public void AllocationBoundCheck_SerializerAllocatingBeforeChecking_Fails()
    {
        AssertSuiteFails<AllocatesBeforeChecking>(s => s.Deserialize_TruncatedLargeValue_AllocatesNoMoreThanTheInputCouldDescribe());
    }

    [Test]
    public void ZeroAllocationCheck_SerializerCopyingOnWrite_Fails()
    {
        AssertSuiteFails<CopiesOnWrite>(s => s.Serialize_IntoReusedBuffer_AllocatesNothing());
    }

    private static void AssertSuiteFails<TSerializer>(Action<PlantedBugSuite<TSerializer>> test)
        where TSerializer : IRpcSerializer, new()
    {
        var suite = new PlantedBugSuite<TSerializer>();
        suite.CreateSerializerUnderTest();

        // Assert.Catch runs the delegate in an isolated context, so the planted failure does not fail this test.
        Exception? caught = Assert.Catch(() => test(suite));
        Assert.That(caught, Is.Not.Null, "the suite passed a serializer with a planted bug");
        Assert.That(caught, Is.InstanceOf<AssertionException>().Or.InstanceOf<MultipleAssertException>().Or.Message.Contains("Falsifiable"), caught!.ToString());
    }

    private abstract class BrokenBinary : IRpcSerializer
    {
        protected readonly BinarySerializer Inner = new();

        public string Name => "broken";

        public virtual void Serialize(in Message message, IBufferWriter<byte> destination) => Inner.Serialize(message, destination);

        public virtual Message Deserialize(ReadOnlySpan<byte> source) => Inner.Deserialize(source);
    }

    private sealed class EmptyBecomesNull : BrokenBinary
    {
        public override Message Deserialize(ReadOnlySpan<byte> source)
        {
            Message m = Inner.Deserialize(source);
            return m.Value is { IsEmpty: true } ? m with { Value = default(ReadOnlyMemory<byte>?) } : m;
        }
    }

    private sealed class MetaLosesLastByte : BrokenBinary
    {
        public override Message Deserialize(ReadOnlySpan<byte> source)
        {
            Message m = Inner.Deserialize(source);
            return m.Meta is { Length: > 0 } meta ? m with { Meta = meta[..^1] } : m;
        }
    }

    private sealed class UntypedErrorOnShortInput : BrokenBinary
    {
        public override Message Deserialize(ReadOnlySpan<byte> source) =>
            source.Length < 2 ? throw new IndexOutOfRangeException("planted") : Inner.Deserialize(source);
    }

    private sealed class IgnoresTrailingBytes : BrokenBinary
    {
        public override Message Deserialize(ReadOnlySpan<byte> source)
        {
            for (int length = source.Length; length >= 0; length--)
            {
                try
                {
                    return Inner.Deserialize(source[..length]);
                }
                catch (DkvException)
                {
                    // try a shorter prefix: the planted bug accepts garbage after a valid message
                }
            }

            throw new DkvException(DkvErrorCode.MalformedMessage, "planted: no valid prefix");
        }
    }

    private sealed class AllocatesBeforeChecking : BrokenBinary
    {
        public override Message Deserialize(ReadOnlySpan<byte> source)
        {
            var scratch = new byte[1 << 20]; // sized by the claim, not by the input
            GC.KeepAlive(scratch);
            return Inner.Deserialize(source);
        }
    }

    private sealed class CopiesOnWrite : BrokenBinary
    {
        public override void Serialize(in Message message, IBufferWriter<byte> destination)
        {
            var copy = new ArrayBufferWriter<byte>();
            Inner.Serialize(message, copy);
            destination.Write(copy.WrittenSpan);
        }
    }
}
