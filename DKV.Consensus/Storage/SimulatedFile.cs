using DKV.Consensus.Raft;

namespace DKV.Consensus.Storage;

/// <summary>
/// One file of a <see cref="SimulatedWalFileSystem"/>: its current bytes, its durable bytes, and the writes since its last sync,
/// in order (what a crash may partly keep). Not thread-safe: the file system's lock guards it.
/// </summary>
internal sealed class SimulatedFile
{
    private readonly List<(int Offset, byte[] Bytes)> _unsynced = new();

    public List<byte> Data { get; set; } = new();

    public byte[] Durable { get; set; } = [];

    public long UnsyncedBytes => _unsynced.Sum(write => (long)write.Bytes.Length);

    public void Write(int offset, ReadOnlySpan<byte> bytes)
    {
        _unsynced.Add((offset, bytes.ToArray()));
        Apply(Data, offset, bytes);
    }

    public void MakeDurable()
    {
        Durable = Data.ToArray();
        _unsynced.Clear();
    }

    /// <summary>The durable bytes plus the first <paramref name="keep"/> unsynced bytes, replayed write by write.</summary>
    public void CrashKeeping(long keep)
    {
        var survived = new List<byte>(Durable);
        foreach ((int offset, byte[] bytes) in _unsynced)
        {
            int count = (int)Math.Min(keep, bytes.Length);
            Apply(survived, offset, bytes.AsSpan(0, count));
            keep -= count;
        }

        Data = survived;
        MakeDurable();
    }

    /// <summary>The durable bytes plus, for each page-aligned piece of each unsynced write, that piece or not, at random.</summary>
    public void CrashKeepingPages(IRandomSource random, int pageBytes)
    {
        var survived = new List<byte>(Durable);
        foreach ((int offset, byte[] bytes) in _unsynced)
        {
            int at = 0;
            while (at < bytes.Length)
            {
                int pageEnd = (((offset + at) / pageBytes) + 1) * pageBytes;
                int count = Math.Min(bytes.Length - at, pageEnd - (offset + at));
                if (random.NextInt(2) == 0)
                {
                    Apply(survived, offset + at, bytes.AsSpan(at, count));
                }

                at += count;
            }
        }

        Data = survived;
        MakeDurable();
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/>, zero-padding a gap after the end (a hole reads as zeros).</summary>
    private static void Apply(List<byte> target, int offset, ReadOnlySpan<byte> bytes)
    {
        if (offset > target.Count)
        {
            target.AddRange(new byte[offset - target.Count]);
        }

        int overwrite = Math.Min(bytes.Length, Math.Max(0, target.Count - offset));
        for (int i = 0; i < overwrite; i++)
        {
            target[offset + i] = bytes[i];
        }

        target.AddRange(bytes[overwrite..]);
    }
}
