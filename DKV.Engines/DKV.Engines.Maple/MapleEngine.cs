using System.Text;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Engines.Maple;

/// <summary>
/// The reference engine: sharded, concurrent, in memory, keys stored whole. Implements <see cref="IKVDB"/> exactly.
/// </summary>
/// <remarks>
/// <para>Layout: one concurrent dictionary from key to an immutable entry (value, deadlines, index) stored inline in the
/// dictionary node, and <see cref="MapleOptions.ShardCount"/> shards that partition the keys. Each shard's lock serializes the
/// writes to its keys (so the stale-index check and the replacement are one step), and each shard owns its deadline queue and
/// key/byte counters.</para>
/// <para>Thread-safety: every member may be called from any thread. Reads take no lock and allocate nothing: one dictionary
/// probe, then the entry's deadlines are judged against the instant given. An entry is never changed, only replaced, so
/// <see cref="ReadResult.Value"/> stays valid after later writes.</para>
/// <para>The engine reads no clock and starts no thread: the owner calls <see cref="Collect"/> to reclaim memory.</para>
/// <para>Expire and Delete record "since forever" deadlines, so their effect does not depend on a reader's clock; a deleted key is
/// kept as a tombstone (with its write index, so a stale write cannot bring it back) until the collector removes it.</para>
/// </remarks>
public sealed partial class MapleEngine : IKVDB
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MapleOptions _options;
    private EngineState _state;
    private ulong _writeIndex;
    private int _collectCursor;
    private bool _disposed;

    /// <summary>Creates an empty engine with default options.</summary>
    public MapleEngine()
        : this(new MapleOptions())
    {
    }

    /// <summary>Creates an empty engine.</summary>
    /// <exception cref="DkvException">An option is out of range (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    public MapleEngine(MapleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _state = new EngineState(options.ShardCount, options.InitialCapacity);
    }

    /// <summary>The registered engine name.</summary>
    public const string EngineName = "maple";

    /// <inheritdoc/>
    public string Name => EngineName;

    /// <inheritdoc/>
    public EngineFeatures Features => EngineFeatures.All;

    /// <inheritdoc/>
    public ulong WriteIndex => Volatile.Read(ref _writeIndex);

    /// <summary>The options this engine was created with.</summary>
    public MapleOptions Options => _options;

    /// <inheritdoc/>
    public bool Set(string key, ReadOnlyMemory<byte> value, WriteStamp stamp) =>
        Write(WriteKind.Set, key, default, value, 0, 0, stamp);

    /// <inheritdoc/>
    public bool SetE(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Write(WriteKind.Set, key, default, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);

    /// <inheritdoc/>
    public bool SetEIfUnset(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Write(WriteKind.SetIfUnset, key, default, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);

    /// <inheritdoc/>
    public bool CompareAndSetE(
        string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Write(WriteKind.CompareAndSet, key, expected, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);

    /// <inheritdoc/>
    public bool Expire(string key, WriteStamp stamp) => Write(WriteKind.Expire, key, default, default, 0, 0, stamp);

    /// <inheritdoc/>
    public bool Delete(string key, WriteStamp stamp) => Write(WriteKind.Delete, key, default, default, 0, 0, stamp);

    /// <inheritdoc/>
    public bool CompareAndDelete(string key, ReadOnlySpan<byte> expected, WriteStamp stamp) =>
        Write(WriteKind.CompareAndDelete, key, expected, default, 0, 0, stamp);

    /// <inheritdoc/>
    public ReadResult Get(string key, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Volatile.Read(ref _state).Map.TryGetValue(key, out Entry entry) && entry.IsVisibleAt(nowUtcTicks))
        {
            return new ReadResult(true, entry.Value, entry.Index);
        }

        return ReadResult.NotFound;
    }

    /// <inheritdoc/>
    public bool Has(string key, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Volatile.Read(ref _state).Map.TryGetValue(key, out Entry entry) && !entry.IsDeletedAt(nowUtcTicks);
    }

    /// <summary>Drops all content. Later writes, <see cref="Save"/> and <see cref="Load"/> throw <see cref="ObjectDisposedException"/>; reads find nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReplaceState(new EngineState(1, 0));
    }

    private bool Write(
        WriteKind kind, string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateWrite(key, value, expireAtUtcTicks, deleteAtUtcTicks);
        while (true)
        {
            Shard shard = Volatile.Read(ref _state).ShardOf(key);
            using (shard.Gate.EnterScope())
            {
                if (shard.Retired)
                {
                    continue;
                }

                RaiseWriteIndex(stamp.Index);
                bool exists = shard.TryGet(key, out Entry current);
                if (exists && stamp.Index < current.Index)
                {
                    return false;
                }

                if (!Decide(kind, exists, current, expected, value, expireAtUtcTicks, deleteAtUtcTicks, stamp, out Entry next))
                {
                    return false;
                }

                shard.Replace(key, exists, current, next);
                return true;
            }
        }
    }

    /// <summary>Decides whether a write's condition holds and, if so, the entry it produces.</summary>
    private static bool Decide(
        WriteKind kind,
        bool exists,
        in Entry current,
        ReadOnlySpan<byte> expected,
        ReadOnlyMemory<byte> value,
        long expireAtUtcTicks,
        long deleteAtUtcTicks,
        WriteStamp stamp,
        out Entry next)
    {
        long now = stamp.TimeUtcTicks;
        bool visible = exists && current.IsVisibleAt(now);
        bool condition = kind switch
        {
            WriteKind.Set => true,
            WriteKind.SetIfUnset => !exists || current.IsDeletedAt(now),
            WriteKind.CompareAndSet or WriteKind.CompareAndDelete => visible && current.Value.Span.SequenceEqual(expected),
            WriteKind.Expire => visible,
            WriteKind.Delete => exists && !current.IsDeletedAt(now),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown write kind"),
        };
        if (!condition)
        {
            next = default;
            return false;
        }

        next = kind switch
        {
            WriteKind.Expire => new Entry(ReadOnlyMemory<byte>.Empty, Entry.Always, current.DeleteAtUtcTicks, stamp.Index),
            WriteKind.Delete or WriteKind.CompareAndDelete => new Entry(ReadOnlyMemory<byte>.Empty, 0, Entry.Always, stamp.Index),
            _ => new Entry(value, expireAtUtcTicks, deleteAtUtcTicks, stamp.Index),
        };
        return true;
    }

    private void ValidateWrite(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(expireAtUtcTicks);
        ArgumentOutOfRangeException.ThrowIfNegative(deleteAtUtcTicks);
        if (value.Length > _options.MaxValueBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"value for key '{Abbreviate(key)}' is {value.Length} bytes, above the maple limit MaxValueBytes = {_options.MaxValueBytes}; store a smaller value or raise the limit");
        }

        // Fast path: a key without surrogates is valid UTF-16, and three UTF-8 bytes per char bound its encoded size.
        bool hasSurrogates = key.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
        if (!hasSurrogates && (long)key.Length * 3 <= _options.MaxKeyBytes)
        {
            return;
        }

        int keyBytes = Utf8Length(key);
        if (keyBytes > _options.MaxKeyBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"key '{Abbreviate(key)}' is {keyBytes} UTF-8 bytes, above the maple limit MaxKeyBytes = {_options.MaxKeyBytes}; use a shorter key or raise the limit");
        }
    }

    private static int Utf8Length(string key)
    {
        try
        {
            return s_strictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException ex)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"key '{Abbreviate(key)}' is not valid UTF-16 (unpaired surrogate at {ex.Index}); keys must be encodable as UTF-8",
                ex);
        }
    }

    private static string Abbreviate(string key) => key.Length <= 64 ? key : string.Concat(key.AsSpan(0, 64), "...");

    private void RaiseWriteIndex(ulong index)
    {
        ulong seen = Volatile.Read(ref _writeIndex);
        while (index > seen)
        {
            ulong found = Interlocked.CompareExchange(ref _writeIndex, index, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }

    private enum WriteKind
    {
        Set,
        SetIfUnset,
        CompareAndSet,
        Expire,
        Delete,
        CompareAndDelete,
    }
}
