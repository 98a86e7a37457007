using System.Text;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Core.Stores;

/// <summary>
/// <c>lstore</c>: an <see cref="IStore"/> over one local <see cref="IKVDB"/>, linearizable on one node.
/// </summary>
/// <remarks>
/// <para>Each write takes a write index from one per-store counter and its time from the injected <see cref="TimeProvider"/>
/// (UTC ticks, never moving backwards even if the wall clock does); TTL durations become absolute deadlines from that time.
/// Reads judge deadlines against the same clock.</para>
/// <para><b>Why it is linearizable.</b> A write takes its index and time and runs its engine call while holding its key's stripe lock,
/// so per key the index order equals the engine's apply order: no write is ever stale, and each takes effect atomically inside its
/// call. Without the stripe a lower-index write could reach the engine after a higher one and be ignored while reporting an outcome
/// (for example a Set after a winning SetEIfUnset) that no sequential order explains. A read takes effect at its engine read; as the
/// clock never moves backwards, an expiry once observed stays observed.</para>
/// <para>Every call completes synchronously; failures come back as a faulted <see cref="ValueTask"/> carrying a
/// <see cref="DkvException"/> (engine faults are wrapped as <see cref="DkvErrorCode.Internal"/>). Values passed in are copied
/// before the engine takes them, so the caller may reuse its buffer. Values read out are the engine's own copy: do not modify them.</para>
/// <para>Thread-safe. The store does not own the engine: dispose the engine after the store is no longer used.
/// The write counter starts at the engine's <see cref="IKVDB.WriteIndex"/> and its <see cref="IKVDB.Features"/> are read once,
/// so create the store after loading a snapshot.</para>
/// </remarks>
public sealed class LocalStore : IStore
{
    /// <summary>The store kind reported by <see cref="GetDBInfoAsync"/>.</summary>
    public const string Kind = "lstore";

    private const int MaxKeyCharsInMessages = 64;

    private readonly IKVDB _engine;
    private readonly MonotonicUtcClock _clock;
    private readonly LocalStoreOptions _options;
    private readonly EngineFeatures _features;
    private readonly Lock[] _stripes;
    private ulong _writeIndex;

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public LocalStore(IKVDB engine, TimeProvider timeProvider, LocalStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new LocalStoreOptions();
        _options.Validate();
        _engine = engine;
        _clock = new MonotonicUtcClock(timeProvider);
        _features = engine.Features;
        _writeIndex = engine.WriteIndex;
        _stripes = new Lock[_options.WriteLockStripes];
        for (int i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Lock();
        }
    }

    /// <summary>The index given to the most recent write.</summary>
    public ulong WriteIndex => Volatile.Read(ref _writeIndex);

    public ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.Set, key, value, default, TimeSpan.Zero, TimeSpan.Zero), cancellationToken);

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.SetE, key, value, default, expireIn, deleteIn), cancellationToken);

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.SetEIfUnset, key, value, default, expireIn, deleteIn), cancellationToken);

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.CompareAndSetE, key, value, expected, expireIn, deleteIn), cancellationToken);

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.Expire, key, default, default, TimeSpan.Zero, TimeSpan.Zero), cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.Delete, key, default, default, TimeSpan.Zero, TimeSpan.Zero), cancellationToken);

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default) =>
        Write(new WriteRequest(WriteKind.CompareAndDelete, key, default, expected, TimeSpan.Zero, TimeSpan.Zero), cancellationToken);

    public ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<GetResult>(cancellationToken);
        }

        try
        {
            ValidateKey(key);
            RequireFeature(EngineFeatures.Get);
            ReadResult read = _engine.Get(key, NowUtcTicks());
            return new ValueTask<GetResult>(read.Found ? new GetResult(true, read.Value, read.Index) : GetResult.NotFound);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<GetResult>(Translate(ex, "Get", key));
        }
    }

    public ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        try
        {
            ValidateKey(key);
            RequireFeature(EngineFeatures.Has);
            return new ValueTask<bool>(_engine.Has(key, NowUtcTicks()));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<bool>(Translate(ex, "Has", key));
        }
    }

    public ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<StoreInfo>(cancellationToken);
        }

        try
        {
            return new ValueTask<StoreInfo>(new StoreInfo(Kind, _engine.GetInfo()));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<StoreInfo>(Translate(ex, "GetDBInfo", null));
        }
    }

    private ValueTask<WriteResult> Write(in WriteRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WriteResult>(cancellationToken);
        }

        try
        {
            return new ValueTask<WriteResult>(Apply(request));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<WriteResult>(Translate(ex, request.Kind.ToString(), request.Key));
        }
    }

    private WriteResult Apply(in WriteRequest request)
    {
        string key = request.Key;
        ValidateKey(key);
        RequireFeature(FeatureOf(request.Kind));
        ValidateSize(request.Value.Length, "value");
        ValidateSize(request.Expected.Length, "expected value");
        ValidateDuration(request.ExpireIn, "expireIn");
        ValidateDuration(request.DeleteIn, "deleteIn");

        // The engine owns what it is given; the caller may reuse its buffer once we return.
        ReadOnlyMemory<byte> value = request.Kind is WriteKind.Set or WriteKind.SetE or WriteKind.SetEIfUnset or WriteKind.CompareAndSetE
            ? request.Value.ToArray()
            : ReadOnlyMemory<byte>.Empty;

        lock (_stripes[StripeOf(key)])
        {
            var stamp = new WriteStamp(Interlocked.Increment(ref _writeIndex), NowUtcTicks());
            long expireAt = stamp.DeadlineAfter(request.ExpireIn);
            long deleteAt = stamp.DeadlineAfter(request.DeleteIn);
            ReadOnlySpan<byte> expected = request.Expected.Span;
            bool applied = request.Kind switch
            {
                WriteKind.Set => _engine.Set(key, value, stamp),
                WriteKind.SetE => _engine.SetE(key, value, expireAt, deleteAt, stamp),
                WriteKind.SetEIfUnset => _engine.SetEIfUnset(key, value, expireAt, deleteAt, stamp),
                WriteKind.CompareAndSetE => _engine.CompareAndSetE(key, expected, value, expireAt, deleteAt, stamp),
                WriteKind.Expire => _engine.Expire(key, stamp),
                WriteKind.Delete => _engine.Delete(key, stamp),
                WriteKind.CompareAndDelete => _engine.CompareAndDelete(key, expected, stamp),
                _ => throw new InvalidOperationException($"unknown write kind {request.Kind}"),
            };
            return new WriteResult(applied, stamp.Index);
        }
    }

    /// <summary>
    /// The store's clock: UTC ticks from the time provider, clamped so they never move backwards (an expiry once seen stays seen).
    /// Give it to <see cref="EngineCollector"/> so collection judges deadlines on the same clock as reads. Thread-safe.
    /// </summary>
    public long NowUtcTicks() => _clock.NowUtcTicks();

    private int StripeOf(string key) => key.GetHashCode(StringComparison.Ordinal) & (_stripes.Length - 1);

    private void ValidateKey(string key)
    {
        if (key is null)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "key is null; pass a non-null string key");
        }

        // A char is at most 3 UTF-8 bytes, so short keys skip the exact count.
        if (key.Length * 3L > _options.MaxKeyBytes)
        {
            int bytes = Encoding.UTF8.GetByteCount(key);
            if (bytes > _options.MaxKeyBytes)
            {
                throw new DkvException(
                    DkvErrorCode.TooLarge,
                    $"key '{Shorten(key)}' is {bytes} UTF-8 bytes, over the limit of {_options.MaxKeyBytes} (LocalStoreOptions.MaxKeyBytes); use a shorter key or raise the limit");
            }
        }
    }

    private void ValidateSize(int length, string what)
    {
        if (length > _options.MaxValueBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"{what} is {length} bytes, over the limit of {_options.MaxValueBytes} (LocalStoreOptions.MaxValueBytes); store smaller values or raise the limit");
        }
    }

    private static void ValidateDuration(TimeSpan duration, string name)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"{name} is {duration}, which is negative; pass TimeSpan.Zero for no deadline or a positive duration");
        }
    }

    private void RequireFeature(EngineFeatures feature)
    {
        if ((_features & feature) != feature)
        {
            throw new DkvException(
                DkvErrorCode.Unsupported,
                $"engine '{_engine.Name}' does not support {feature}; it supports {_features}; use an engine that does (for example maple)");
        }
    }

    private Exception Translate(Exception ex, string operation, string? key) => ex switch
    {
        DkvException or OperationCanceledException => ex,
        _ => new DkvException(
            DkvErrorCode.Internal,
            $"engine '{_engine.Name}' failed during {operation}{(key is null ? string.Empty : $" of key '{Shorten(key)}'")}: {ex.Message}; see the inner exception",
            ex),
    };

    private static string Shorten(string key) => key.Length <= MaxKeyCharsInMessages ? key : string.Concat(key.AsSpan(0, MaxKeyCharsInMessages), "...");

    private static EngineFeatures FeatureOf(WriteKind kind) => kind switch
    {
        WriteKind.Set => EngineFeatures.Set,
        WriteKind.SetE => EngineFeatures.SetE,
        WriteKind.SetEIfUnset => EngineFeatures.SetEIfUnset,
        WriteKind.CompareAndSetE => EngineFeatures.CompareAndSetE,
        WriteKind.Expire => EngineFeatures.Expire,
        WriteKind.Delete => EngineFeatures.Delete,
        WriteKind.CompareAndDelete => EngineFeatures.CompareAndDelete,
        _ => throw new InvalidOperationException($"unknown write kind {kind}"),
    };

    private enum WriteKind
    {
        Set,
        SetE,
        SetEIfUnset,
        CompareAndSetE,
        Expire,
        Delete,
        CompareAndDelete,
    }

    private readonly record struct WriteRequest(
        WriteKind Kind, string Key, ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte> Expected, TimeSpan ExpireIn, TimeSpan DeleteIn);
}
