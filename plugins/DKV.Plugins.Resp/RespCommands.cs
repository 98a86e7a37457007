using System.Buffers;
using System.Buffers.Text;
using System.Text;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Plugins.Resp;

/// <summary>
/// Executes RESP commands against one <see cref="IStore"/> shard and writes each reply. Keys are decoded as UTF-8. Expiring
/// writes set the store's expire and delete deadlines to the same instant, so GET and EXISTS agree.
/// </summary>
/// <remarks>Thread-safe: connections share one instance; it holds only the store and counters.</remarks>
public sealed class RespCommands
{
    private readonly IStore _store;
    private readonly ulong _shardId;
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private long _commands;
    private long _clients;

    public RespCommands(IStore store, ulong shardId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _shardId = shardId;
        _time = time;
        _startedAt = time.GetTimestamp();
    }

    /// <summary>Counts a connection in or out, for <c>INFO</c>.</summary>
    public void ClientConnected(bool connected) => Interlocked.Add(ref _clients, connected ? 1 : -1);

    /// <summary>
    /// Runs one command and writes its reply to <paramref name="output"/>. Returns false when the connection should close
    /// after the reply (QUIT). Store failures become <c>-ERR</c> replies; they never close the connection.
    /// </summary>
    public async ValueTask<bool> ExecuteAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Count == 0)
        {
            return true;
        }

        Interlocked.Increment(ref _commands);
        string name = Encoding.ASCII.GetString(args[0]).ToUpperInvariant();
        try
        {
            switch (name)
            {
                case "PING": Ping(args, output); break;
                case "ECHO" when args.Count == 2: RespWriter.Bulk(output, args[1]); break;
                case "GET" when args.Count == 2: await GetAsync(args, output, cancellationToken).ConfigureAwait(false); break;
                case "SET" when args.Count >= 3: await SetAsync(args, output, cancellationToken).ConfigureAwait(false); break;
                case "DEL" when args.Count >= 2: await DeleteAsync(args, output, cancellationToken).ConfigureAwait(false); break;
                case "EXISTS" when args.Count >= 2: await ExistsAsync(args, output, cancellationToken).ConfigureAwait(false); break;
                case "EXPIRE" when args.Count == 3: await ExpireAsync(args, 1000, output, cancellationToken).ConfigureAwait(false); break;
                case "PEXPIRE" when args.Count == 3: await ExpireAsync(args, 1, output, cancellationToken).ConfigureAwait(false); break;
                case "TTL" or "PTTL" when args.Count == 2: await TtlAsync(name, args, output, cancellationToken).ConfigureAwait(false); break;
                case "DKV.UNLOCK" when args.Count == 3: await UnlockAsync(args, output, cancellationToken).ConfigureAwait(false); break;
                case "INFO": await InfoAsync(output, cancellationToken).ConfigureAwait(false); break;
                case "HELLO": Hello(args, output); break;
                case "COMMAND": Command(args, output); break;
                case "CONFIG" or "CLIENT" when args.Count >= 2: Admin(name, args, output); break;
                case "SELECT" when args.Count == 2:
                    RespWriter.SimpleString(output, "OK");
                    break;
                case "QUIT":
                    RespWriter.SimpleString(output, "OK");
                    return false;
                case "PING" or "ECHO" or "GET" or "SET" or "DEL" or "EXISTS" or "EXPIRE" or "PEXPIRE" or "TTL" or "PTTL" or "DKV.UNLOCK" or "CONFIG" or "CLIENT" or "SELECT":
                    RespWriter.Error(output, $"ERR wrong number of arguments for '{name.ToLowerInvariant()}' command");
                    break;
                default:
                    RespWriter.Error(output, $"ERR unknown command '{Truncate(name)}', with args beginning with: {args.Count - 1} argument(s)");
                    break;
            }
        }
        catch (DkvException ex)
        {
            RespWriter.Error(output, $"ERR {ex.Message}");
        }
        catch (SyntaxException ex)
        {
            RespWriter.Error(output, ex.Message);
        }

        return true;
    }

    private static void Ping(List<byte[]> args, IBufferWriter<byte> output)
    {
        if (args.Count == 1)
        {
            RespWriter.SimpleString(output, "PONG");
        }
        else
        {
            RespWriter.Bulk(output, args[1]);
        }
    }

    private async ValueTask GetAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var result = await _store.GetAsync(Key(args[1]), cancellationToken).ConfigureAwait(false);
        if (result.Found)
        {
            RespWriter.Bulk(output, result.Value.Span);
        }
        else
        {
            RespWriter.NullBulk(output);
        }
    }

    private async ValueTask SetAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var (ttl, onlyIfUnset) = ParseSetOptions(args);
        string key = Key(args[1]);
        WriteResult result = onlyIfUnset
            ? await _store.SetEIfUnsetAsync(key, args[2], ttl, ttl, cancellationToken).ConfigureAwait(false)
            : ttl > TimeSpan.Zero
                ? await _store.SetEAsync(key, args[2], ttl, ttl, cancellationToken).ConfigureAwait(false)
                : await _store.SetAsync(key, args[2], cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            RespWriter.SimpleString(output, "OK");
        }
        else
        {
            RespWriter.NullBulk(output);
        }
    }

    /// <summary>SET's options: <c>EX seconds</c>, <c>PX milliseconds</c> (positive), <c>NX</c>; anything else is a syntax error.</summary>
    private static (TimeSpan Ttl, bool OnlyIfUnset) ParseSetOptions(List<byte[]> args)
    {
        var ttl = TimeSpan.Zero;
        bool nx = false;
        for (int i = 3; i < args.Count; i++)
        {
            string option = Encoding.ASCII.GetString(args[i]).ToUpperInvariant();
            if (option == "NX")
            {
                nx = true;
            }
            else if (option is "EX" or "PX" && i + 1 < args.Count && ttl == TimeSpan.Zero)
            {
                long amount = PositiveInteger(args[++i], "set");
                ttl = option == "EX" ? TimeSpan.FromSeconds(Math.Min(amount, 100L * 365 * 86400)) : TimeSpan.FromMilliseconds(Math.Min(amount, 100L * 365 * 86400 * 1000));
            }
            else
            {
                throw new SyntaxException("ERR syntax error (supported SET options: EX seconds, PX milliseconds, NX)");
            }
        }

        return (ttl, nx);
    }

    private async ValueTask DeleteAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        long deleted = 0;
        for (int i = 1; i < args.Count; i++)
        {
            string key = Key(args[i]);
            if ((await _store.GetAsync(key, cancellationToken).ConfigureAwait(false)).Found)
            {
                await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        RespWriter.Integer(output, deleted);
    }

    private async ValueTask ExistsAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        long found = 0;
        for (int i = 1; i < args.Count; i++)
        {
            if ((await _store.GetAsync(Key(args[i]), cancellationToken).ConfigureAwait(false)).Found)
            {
                found++;
            }
        }

        RespWriter.Integer(output, found);
    }

    /// <summary>Re-writes the current value with a deadline (compare-and-set, so a concurrent write wins); a non-positive time deletes.</summary>
    private async ValueTask ExpireAsync(List<byte[]> args, long unitMilliseconds, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        string key = Key(args[1]);
        long amount = Integer(args[2], unitMilliseconds == 1 ? "pexpire" : "expire");
        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (!current.Found)
        {
            RespWriter.Integer(output, 0);
            return;
        }

        WriteResult result;
        if (amount <= 0)
        {
            result = await _store.CompareAndDeleteAsync(key, current.Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var ttl = TimeSpan.FromMilliseconds(Math.Min(amount, 100L * 365 * 86400 * 1000 / unitMilliseconds) * unitMilliseconds);
            result = await _store.CompareAndSetEAsync(key, current.Value, current.Value, ttl, ttl, cancellationToken).ConfigureAwait(false);
        }

        RespWriter.Integer(output, result.Applied ? 1 : 0);
    }

    /// <summary>-2 when the key does not exist; otherwise an error, since the store contract does not report remaining TTLs.</summary>
    private async ValueTask TtlAsync(string name, List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        if (!(await _store.GetAsync(Key(args[1]), cancellationToken).ConfigureAwait(false)).Found)
        {
            RespWriter.Integer(output, -2);
            return;
        }

        RespWriter.Error(output, $"ERR {name} is not answerable: the dKV store contract does not report a key's remaining TTL (only -2 for a missing key)");
    }

    private async ValueTask UnlockAsync(List<byte[]> args, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var result = await _store.CompareAndDeleteAsync(Key(args[1]), args[2], cancellationToken).ConfigureAwait(false);
        RespWriter.Integer(output, result.Applied ? 1 : 0);
    }

    private async ValueTask InfoAsync(IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var info = await _store.GetDBInfoAsync(cancellationToken).ConfigureAwait(false);
        long uptime = (long)_time.GetElapsedTime(_startedAt).TotalSeconds;
        string text = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"# Server\r\nredis_version:7.0.0\r\ndkv_front_end:resp2\r\nuptime_in_seconds:{uptime}\r\n"
            + $"# Clients\r\nconnected_clients:{Interlocked.Read(ref _clients)}\r\n"
            + $"# Stats\r\ntotal_commands_processed:{Interlocked.Read(ref _commands)}\r\n"
            + $"# Keyspace\r\ndkv_shard:{_shardId}\r\ndkv_store:{info.StoreKind}\r\ndkv_engine:{info.Engine.EngineName}\r\n"
            + $"dkv_keys:{info.Engine.KeyCount}\r\ndkv_size_bytes:{info.Engine.SizeBytes}\r\n");
        RespWriter.Bulk(output, text);
    }

    private static void Hello(List<byte[]> args, IBufferWriter<byte> output)
    {
        if (args.Count >= 2 && Encoding.ASCII.GetString(args[1]) != "2")
        {
            RespWriter.Error(output, "NOPROTO this server speaks only RESP2 (HELLO 2)");
            return;
        }

        RespWriter.ArrayHeader(output, 14);
        foreach (var (field, value) in new (string, object)[]
        {
            ("server", "redis"), ("version", "7.0.0"), ("proto", 2L), ("id", 1L), ("mode", "standalone"), ("role", "master"),
        })
        {
            RespWriter.Bulk(output, field);
            if (value is long number)
            {
                RespWriter.Integer(output, number);
            }
            else
            {
                RespWriter.Bulk(output, (string)value);
            }
        }

        RespWriter.Bulk(output, "modules");
        RespWriter.ArrayHeader(output, 0);
    }

    /// <summary><c>COMMAND COUNT</c> answers 0; <c>COMMAND</c> and <c>COMMAND DOCS</c> an empty list (clients then assume defaults).</summary>
    private static void Command(List<byte[]> args, IBufferWriter<byte> output)
    {
        if (args.Count >= 2 && Encoding.ASCII.GetString(args[1]).Equals("COUNT", StringComparison.OrdinalIgnoreCase))
        {
            RespWriter.Integer(output, 0);
        }
        else
        {
            RespWriter.ArrayHeader(output, 0);
        }
    }

    /// <summary><c>CONFIG GET</c> answers an empty list; <c>CLIENT SETNAME/SETINFO</c> OK; the rest is an error.</summary>
    private static void Admin(string name, List<byte[]> args, IBufferWriter<byte> output)
    {
        string sub = Encoding.ASCII.GetString(args[1]).ToUpperInvariant();
        if (name == "CONFIG" && sub == "GET")
        {
            RespWriter.ArrayHeader(output, 0);
        }
        else if (name == "CLIENT" && sub is "SETNAME" or "SETINFO")
        {
            RespWriter.SimpleString(output, "OK");
        }
        else
        {
            RespWriter.Error(output, $"ERR {name} {Truncate(sub)} is not supported by the dKV RESP front end");
        }
    }

    private static string Key(byte[] key) => Encoding.UTF8.GetString(key);

    private static long Integer(byte[] text, string command) =>
        Utf8Parser.TryParse(text, out long value, out int used) && used == text.Length
            ? value
            : throw new SyntaxException($"ERR value is not an integer or out of range (in '{command}')");

    private static long PositiveInteger(byte[] text, string command)
    {
        long value = Integer(text, command);
        return value > 0 ? value : throw new SyntaxException($"ERR invalid expire time in '{command}' command");
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>A reply-level error for a well-formed command with bad arguments.</summary>
    private sealed class SyntaxException(string message) : Exception(message);
}
