using DKV.Consensus.Raft;

namespace DKV.Consensus.Storage;

/// <summary>
/// A deterministic in-memory disk for tests and the simulator. Writes (positional, over zero fill when asked) land in an unsynced
/// state; <see cref="IWalFile.Sync"/> makes a file's bytes durable and <see cref="SyncDirectory"/> makes created, renamed and deleted names durable.
/// <see cref="Crash"/> throws away everything not durable and may keep a random prefix of each file's unsynced bytes (a torn tail).
/// Every write, fsync and name operation is a numbered boundary; <see cref="CrashAtBoundary"/> makes the k-th one throw
/// <see cref="SimulatedCrashException"/> before it takes effect.
/// </summary>
/// <remarks>Thread-safe (one lock). Randomness only from the injected <see cref="IRandomSource"/>. Copies a file on each sync:
/// meant for test-sized data.</remarks>
public sealed class SimulatedWalFileSystem : IWalFileSystem
{
    private readonly object _lock = new();
    private readonly IRandomSource _random;
    private readonly Dictionary<string, SimulatedFile> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedFile> _durableNames = new(StringComparer.Ordinal);
    private bool _crashed;
    private int _generation;

    /// <summary>Creates an empty disk whose torn tails are drawn from <paramref name="random"/>.</summary>
    public SimulatedWalFileSystem(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>How many boundaries (writes, fsyncs, truncates, renames, deletes) have been passed so far.</summary>
    public long BoundaryCount { get; private set; }

    /// <summary>The number of file fsyncs performed so far (the figure group commit keeps low).</summary>
    public long FileSyncCount { get; private set; }

    /// <summary>When set, boundary number k (1-based) throws <see cref="SimulatedCrashException"/> instead of taking effect.</summary>
    public long? CrashAtBoundary { get; set; }

    /// <summary>When true (the default), <see cref="Crash"/> keeps a random prefix of each file's unsynced bytes.</summary>
    public bool TearUnsyncedTails { get; set; } = true;

    /// <summary>
    /// 0 (the default): a torn tail is a prefix of the unsynced writes. Positive: <see cref="Crash"/> instead keeps each
    /// page-aligned piece of this many bytes of every unsynced write, or not, at random (pages written back in any order), with
    /// <see cref="TearUnsyncedTails"/> on.
    /// </summary>
    public int TornPageBytes { get; set; }

    /// <inheritdoc/>
    public void CreateDirectory(string directory)
    {
        // Directories are not modelled: every path may be used.
    }

    /// <inheritdoc/>
    public IWalFile OpenAppend(string path, long offset, long zeroFillChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(zeroFillChunkBytes);
        lock (_lock)
        {
            ThrowIfCrashed();
            if (!_names.TryGetValue(path, out SimulatedFile? file))
            {
                file = new SimulatedFile();
                _names[path] = file;
            }

            if (offset > file.Data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset,
                    $"cannot write simulated file '{path}' from offset {offset}: it has only {file.Data.Count} bytes");
            }

            return new SimHandle(this, path, file, _generation, offset, zeroFillChunkBytes);
        }
    }

    /// <inheritdoc/>
    public bool Exists(string path)
    {
        lock (_lock)
        {
            return _names.ContainsKey(path);
        }
    }

    /// <inheritdoc/>
    public long GetLength(string path)
    {
        lock (_lock)
        {
            return Get(path).Data.Count;
        }
    }

    /// <inheritdoc/>
    public byte[] ReadAll(string path)
    {
        lock (_lock)
        {
            return Get(path).Data.ToArray();
        }
    }

    /// <inheritdoc/>
    public int ReadAt(string path, long offset, Span<byte> buffer)
    {
        lock (_lock)
        {
            List<byte> data = Get(path).Data;
            int count = (int)Math.Max(0, Math.Min(buffer.Length, data.Count - offset));
            for (int i = 0; i < count; i++)
            {
                buffer[i] = data[(int)offset + i];
            }

            return count;
        }
    }

    /// <inheritdoc/>
    public void Truncate(string path, long length)
    {
        lock (_lock)
        {
            Boundary();
            SimulatedFile file = Get(path);
            if (length < file.Data.Count)
            {
                file.Data.RemoveRange((int)length, file.Data.Count - (int)length);
            }

            file.MakeDurable();
        }
    }

    /// <inheritdoc/>
    public void Rename(string source, string destination)
    {
        lock (_lock)
        {
            Boundary();
            SimulatedFile file = Get(source);
            _names.Remove(source);
            _names[destination] = file;
        }
    }

    /// <inheritdoc/>
    public void Delete(string path)
    {
        lock (_lock)
        {
            Boundary();
            _names.Remove(path);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string directory)
    {
        lock (_lock)
        {
            var result = new List<string>();
            foreach (string name in _names.Keys)
            {
                if (string.Equals(Path.GetDirectoryName(name), directory, StringComparison.Ordinal))
                {
                    result.Add(Path.GetFileName(name));
                }
            }

            result.Sort(StringComparer.Ordinal);
            return result;
        }
    }

    /// <inheritdoc/>
    public void SyncDirectory(string directory)
    {
        lock (_lock)
        {
            Boundary();
            foreach (string name in _durableNames.Keys.ToList())
            {
                if (InDirectory(name, directory))
                {
                    _durableNames.Remove(name);
                }
            }

            foreach (KeyValuePair<string, SimulatedFile> pair in _names)
            {
                if (InDirectory(pair.Key, directory))
                {
                    _durableNames[pair.Key] = pair.Value;
                }
            }
        }
    }

    /// <summary>
    /// Power loss and restart: names not made durable vanish, each file falls back to its synced bytes plus (when
    /// <see cref="TearUnsyncedTails"/>) a random prefix of its unsynced writes replayed in order (a torn tail; over zero fill the
    /// zeros after the prefix remain); open files become unusable; the scripted crash boundary is cleared.
    /// </summary>
    public void Crash()
    {
        lock (_lock)
        {
            _names.Clear();
            foreach (KeyValuePair<string, SimulatedFile> pair in _durableNames)
            {
                SimulatedFile file = pair.Value;
                long keep = 0;
                long unsynced = file.UnsyncedBytes;
                if (TearUnsyncedTails && TornPageBytes > 0)
                {
                    file.CrashKeepingPages(_random, TornPageBytes);
                    _names[pair.Key] = file;
                    continue;
                }

                if (TearUnsyncedTails && unsynced > 0)
                {
                    keep = _random.NextInt((int)Math.Min(unsynced + 1, int.MaxValue));
                }

                file.CrashKeeping(keep);
                _names[pair.Key] = file;
            }

            _crashed = false;
            CrashAtBoundary = null;
            _generation++;
        }
    }

    /// <summary>Flips every bit of the byte at <paramref name="offset"/>, in the durable and the current contents (media corruption).</summary>
    public void CorruptByte(string path, long offset)
    {
        lock (_lock)
        {
            SimulatedFile file = Get(path);
            file.Data[(int)offset] ^= 0xFF;
            if (offset < file.Durable.Length)
            {
                file.Durable[offset] ^= 0xFF;
            }
        }
    }

    private static bool InDirectory(string path, string directory) =>
        string.Equals(Path.GetDirectoryName(path), directory, StringComparison.Ordinal);

    private SimulatedFile Get(string path)
    {
        ThrowIfCrashed();
        return _names.TryGetValue(path, out SimulatedFile? file)
            ? file
            : throw new FileNotFoundException($"simulated file '{path}' does not exist", path);
    }

    private void ThrowIfCrashed()
    {
        if (_crashed)
        {
            throw new SimulatedCrashException(BoundaryCount);
        }
    }

    private void Boundary()
    {
        ThrowIfCrashed();
        BoundaryCount++;
        if (CrashAtBoundary == BoundaryCount)
        {
            _crashed = true;
            throw new SimulatedCrashException(BoundaryCount);
        }
    }

    private sealed class SimHandle(SimulatedWalFileSystem owner, string path, SimulatedFile file, int generation, long offset,
        long zeroFillChunkBytes) : IWalFile
    {
        private long _position = offset;

        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (owner._lock)
                {
                    return _position;
                }
            }
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            lock (owner._lock)
            {
                CheckGeneration();
                long end = _position + data.Length;
                if (zeroFillChunkBytes > 0 && end > file.Data.Count)
                {
                    // The zero fill is a write of its own: a crash may fall between it and the data.
                    owner.Boundary();
                    long fillTo = Math.Max(end, file.Data.Count + zeroFillChunkBytes);
                    file.Write(file.Data.Count, new byte[fillTo - file.Data.Count]);
                }

                owner.Boundary();
                file.Write((int)_position, data);
                _position = end;
            }
        }

        public void Sync()
        {
            lock (owner._lock)
            {
                CheckGeneration();
                owner.Boundary();
                owner.FileSyncCount++;
                file.MakeDurable();
            }
        }

        public void Dispose()
        {
        }

        private void CheckGeneration()
        {
            if (generation != owner._generation)
            {
                throw new ObjectDisposedException(Path, "the simulated machine crashed after this file was opened");
            }
        }
    }
}
