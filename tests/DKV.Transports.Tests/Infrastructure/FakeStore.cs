using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Infrastructure;

namespace DKV.Transports.Tests.Infrastructure;

/// <summary>
/// A tiny in-memory <see cref="IStore"/> for transport tests (no TTLs: expireIn/deleteIn are recorded, not enforced).
/// Every operation first passes the optional <see cref="Gate"/>; <see cref="Calls"/> counts operations that reached the store.
/// </summary>
public sealed class FakeStore : IStore
{
    private readonly Dictionary<string, (byte[] Value, ulong Index)> _data = new(StringComparer.Ordinal);
    private ulong _index;
    private int _calls;

    public Gate? Gate { get; set; }

    /// <summary>Thrown by every operation when set (to test error answers).</summary>
    public Exception? Failure { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public async ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        return Write(key, value, onlyIfUnset: false);
    }

    public async ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        CheckTtl(expireIn, deleteIn);
        return Write(key, value, onlyIfUnset: false);
    }

    public async ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        CheckTtl(expireIn, deleteIn);
        return Write(key, value, onlyIfUnset: true);
    }

    public async ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            return _data.TryGetValue(key, out var held) && held.Value.AsSpan().SequenceEqual(expected.Span)
                ? Write(key, value, onlyIfUnset: false)
                : new WriteResult(false, _index);
        }
    }

    public async ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) => await DeleteAsync(key, cancellationToken);

    public async ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            return new WriteResult(_data.Remove(key), ++_index);
        }
    }

    public async ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            bool match = _data.TryGetValue(key, out var held) && held.Value.AsSpan().SequenceEqual(expected.Span);
            return new WriteResult(match && _data.Remove(key), ++_index);
        }
    }

    public async ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            return _data.TryGetValue(key, out var held) ? new GetResult(true, held.Value, held.Index) : GetResult.NotFound;
        }
    }

    public async ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            return _data.ContainsKey(key);
        }
    }

    public async ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        lock (_data)
        {
            var engine = new EngineInfo("fake", _data.Count, _data.Sum(e => e.Key.Length + e.Value.Value.Length), _index, EngineFeatures.Set | EngineFeatures.Get, new Dictionary<string, string> { ["note"] = "test" });
            return new StoreInfo("fake-store", engine);
        }
    }

    private static void CheckTtl(TimeSpan expireIn, TimeSpan deleteIn)
    {
        if (expireIn < TimeSpan.Zero || deleteIn < TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "negative ttl");
        }
    }

    private async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate)
        {
            await gate.PassAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    private WriteResult Write(string key, ReadOnlyMemory<byte> value, bool onlyIfUnset)
    {
        lock (_data)
        {
            if (onlyIfUnset && _data.ContainsKey(key))
            {
                return new WriteResult(false, _index);
            }

            _data[key] = (value.ToArray(), ++_index);
            return new WriteResult(true, _index);
        }
    }
}
