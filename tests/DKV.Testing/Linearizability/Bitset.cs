namespace DKV.Testing.Linearizability;

/// <summary>A fixed-size set of operation indexes: which operations a partial linearization already contains.</summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;

    public Bitset(int size)
    {
        _words = new ulong[(size + 63) / 64];
    }

    private Bitset(ulong[] words)
    {
        _words = words;
    }

    public Bitset Clone() => new((ulong[])_words.Clone());

    public void Set(int index) => _words[index >> 6] |= 1UL << (index & 63);

    public void Clear(int index) => _words[index >> 6] &= ~(1UL << (index & 63));

    /// <summary>A hash of the set (FNV-style mixing, identical across processes).</summary>
    public long Hash()
    {
        ulong hash = 14695981039346656037UL;
        foreach (ulong word in _words)
        {
            hash = (hash ^ word) * 1099511628211UL;
            hash ^= hash >> 29;
        }

        return (long)hash;
    }

    public bool Equals(Bitset? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as Bitset);

    public override int GetHashCode() => (int)Hash();
}
