using System.Net.Sockets;
using System.Text;

namespace DKV.Plugins.Tests.Resp;

[CancelAfter(120_000)]
public sealed class RespServerTests
{
    private RespTestServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await RespTestServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task RedisCli_SetGetDelExists_BehaveAsRedis()
    {
        Assert.That(await Cli("PING"), Is.EqualTo("PONG"));
        Assert.That(await Cli("SET", "foo", "bar"), Is.EqualTo("OK"));
        Assert.That(await Cli("GET", "foo"), Is.EqualTo("bar"));
        Assert.That(await Cli("EXISTS", "foo", "nope"), Is.EqualTo("1"));
        Assert.That(await Cli("DEL", "foo", "nope"), Is.EqualTo("1"));
        Assert.That(await Cli("GET", "foo"), Is.Empty);
        Assert.That(await Cli("EXISTS", "foo"), Is.EqualTo("0"));
    }

    [Test]
    public async Task RedisCli_SetNxPxAndUnlock_ActAsLock()
    {
        Assert.That(await Cli("SET", "lock", "owner-1", "NX", "PX", "10000"), Is.EqualTo("OK"));
        Assert.That(await Cli("SET", "lock", "owner-2", "NX", "PX", "10000"), Is.Empty, "NX on a held key answers nil");
        Assert.That(await Cli("DKV.UNLOCK", "lock", "owner-2"), Is.EqualTo("0"), "another owner cannot release");
        Assert.That(await Cli("GET", "lock"), Is.EqualTo("owner-1"));
        Assert.That(await Cli("DKV.UNLOCK", "lock", "owner-1"), Is.EqualTo("1"));
        Assert.That(await Cli("SET", "lock", "owner-2", "NX", "EX", "10"), Is.EqualTo("OK"));
    }

    [Test]
    public async Task RedisCli_ExpireAndTtl_ExpireKeysAndAnswerWhatTheStoreKnows()
    {
        Assert.That(await Cli("SET", "forever", "v"), Is.EqualTo("OK"));
        Assert.That(await Cli("PTTL", "forever"), Does.Contain("does not report a key's remaining TTL"));
        Assert.That(await Cli("TTL", "missing"), Is.EqualTo("-2"));
        Assert.That(await Cli("EXPIRE", "missing", "10"), Is.EqualTo("0"));
        var written = TimeProvider.System.GetTimestamp();
        Assert.That(await Cli("SET", "short", "v", "PX", "1000"), Is.EqualTo("OK"));
        Assert.That(await Cli("SET", "later", "v"), Is.EqualTo("OK"));
        Assert.That(await Cli("PEXPIRE", "later", "1000"), Is.EqualTo("1"));
        if (TimeProvider.System.GetElapsedTime(written) < TimeSpan.FromMilliseconds(900))
        {
            Assert.That(await Cli("EXISTS", "short", "later"), Is.EqualTo("2"), "both keys live before their deadline");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        Assert.That(await Cli("GET", "short"), Is.Empty);
        Assert.That(await Cli("GET", "later"), Is.Empty);
        Assert.That(await Cli("EXISTS", "short", "later"), Is.EqualTo("0"));
    }

    [Test]
    public async Task RedisCli_UnknownCommandAndBadSyntax_AnswerErrors()
    {
        Assert.That(await Cli("FLUSHALL"), Does.StartWith("ERR unknown command 'FLUSHALL'"));
        Assert.That(await Cli("SET", "k", "v", "XX"), Does.StartWith("ERR syntax error"));
        Assert.That(await Cli("INFO"), Does.Contain("dkv_shard:100").And.Contain("dkv_engine:maple"));
    }

    [Test]
    public async Task RedisBenchmark_Pipelined16_CompletesSetAndGet()
    {
        var (exit, output, error) = await RedisTools.BenchmarkAsync(_server.Endpoint, "-P", "16", "-n", "2000", "-q", "-t", "set,get");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("SET: ").And.Contain("GET: ").And.Contain("requests per second"));
        Assert.That(await Cli("GET", "key:__rand_int__"), Has.Length.EqualTo(3), "redis-benchmark's SET wrote its 3-byte value (-d default)");
    }

    [Test]
    public async Task RawSocket_PipelinedBatch_AnsweredInOrder()
    {
        using var client = await Connect();
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2\r\n22\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n"));
        const string expected = "+OK\r\n$1\r\n1\r\n+PONG\r\n+OK\r\n$2\r\n22\r\n";

        Assert.That(await ReadExactly(stream, expected.Length), Is.EqualTo(expected));
    }

    [Test]
    public async Task RawSocket_MalformedStream_ClosesOnlyThatConnection()
    {
        using var healthy = await Connect();
        using var broken = await Connect();
        await broken.GetStream().WriteAsync("*1\r\n$abc\r\n"u8.ToArray());
        string reply = await ReadToEnd(broken.GetStream());

        await healthy.GetStream().WriteAsync("PING\r\n"u8.ToArray());
        Assert.That(reply, Does.StartWith("-ERR Protocol error: invalid length 'abc'"));
        Assert.That(await ReadExactly(healthy.GetStream(), 7), Is.EqualTo("+PONG\r\n"));
        Assert.That(await Cli("PING"), Is.EqualTo("PONG"), "new connections are still served");
    }

    private Task<string> Cli(params string[] command) => RedisTools.CliAsync(_server.Endpoint, command);

    private async Task<TcpClient> Connect()
    {
        var client = new TcpClient();
        await client.ConnectAsync(_server.Endpoint);
        return client;
    }

    private static async Task<string> ReadExactly(NetworkStream stream, int length)
    {
        byte[] buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Reads until the server closes the connection (a read of 0 bytes); fails if it stays open for 10 s.</summary>
    private static async Task<string> ReadToEnd(NetworkStream stream)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, deadline.Token);
        return Encoding.ASCII.GetString(memory.ToArray());
    }
}
