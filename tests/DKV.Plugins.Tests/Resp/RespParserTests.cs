using System.Buffers;
using System.Text;
using DKV.Plugins.Resp;

namespace DKV.Plugins.Tests.Resp;

public sealed class RespParserTests
{
    private readonly RespParser _parser = new(maxArgs: 8, maxBulkBytes: 16);

    [Test]
    public void TryParse_CompleteMultiBulk_ReturnsArgumentsAndEnd()
    {
        var buffer = Bytes("*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n");

        Assert.That(_parser.TryParse(buffer, out var args, out var consumed), Is.True);
        Assert.That(args.Select(Encoding.ASCII.GetString), Is.EqualTo(new[] { "GET", "foo" }));
        Assert.That(buffer.Slice(consumed).Length, Is.Zero);
    }

    [Test]
    public void TryParse_EveryStrictPrefix_NeedsMoreBytes()
    {
        byte[] whole = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
        for (int length = 0; length < whole.Length; length++)
        {
            Assert.That(_parser.TryParse(new ReadOnlySequence<byte>(whole, 0, length), out _, out _), Is.False, $"prefix of {length} bytes");
        }
    }

    [Test]
    public void TryParse_TwoPipelinedCommands_ReadsThemInOrder()
    {
        var buffer = Bytes("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n");

        Assert.That(_parser.TryParse(buffer, out var first, out var end), Is.True);
        Assert.That(_parser.TryParse(buffer.Slice(end), out var second, out _), Is.True);
        Assert.That(Encoding.ASCII.GetString(first[0]), Is.EqualTo("PING"));
        Assert.That(Encoding.ASCII.GetString(second[1]), Is.EqualTo("hi"));
    }

    [Test]
    public void TryParse_InlineCommand_SplitsOnSpaces()
    {
        Assert.That(_parser.TryParse(Bytes("SET  a b\r\n"), out var args, out _), Is.True);
        Assert.That(args.Select(Encoding.ASCII.GetString), Is.EqualTo(new[] { "SET", "a", "b" }));
    }

    [TestCase("*9\r\n", "multibulk length 9")]
    [TestCase("*-5\r\n", "multibulk length -5")]
    [TestCase("*1\r\n$17\r\n", "bulk length 17")]
    [TestCase("*1\r\n$-1\r\n", "bulk length -1")]
    [TestCase("*1\r\n+OK\r\n", "expected '$'")]
    [TestCase("*x\r\n", "invalid length 'x'")]
    [TestCase("*1\r\n$1\r\nab\r\n", "not followed by CRLF")]
    public void TryParse_MalformedOrOverLimit_ThrowsBeforeReadingData(string input, string expected)
    {
        var ex = Assert.Throws<RespProtocolException>(() => _parser.TryParse(Bytes(input), out _, out _));
        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void TryParse_EndlessLengthLine_ThrowsInsteadOfBuffering()
    {
        Assert.Throws<RespProtocolException>(() => _parser.TryParse(Bytes("*" + new string('1', 40)), out _, out _));
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));
}
