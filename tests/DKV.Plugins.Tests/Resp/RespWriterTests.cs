using System.Buffers;
using System.Text;
using DKV.Plugins.Resp;

namespace DKV.Plugins.Tests.Resp;

public sealed class RespWriterTests
{
    [Test]
    public void Writers_EachElementType_WriteRespBytes()
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.SimpleString(output, "OK");
        RespWriter.Error(output, "ERR bad\r\nthing");
        RespWriter.Integer(output, -2);
        RespWriter.Bulk(output, "héllo");
        RespWriter.NullBulk(output);
        RespWriter.ArrayHeader(output, 0);
        RespWriter.Bulk(output, ReadOnlySpan<byte>.Empty);

        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo("+OK\r\n-ERR bad  thing\r\n:-2\r\n$6\r\nhéllo\r\n$-1\r\n*0\r\n$0\r\n\r\n"));
    }
}
