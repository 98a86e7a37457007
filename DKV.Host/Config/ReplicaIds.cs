namespace DKV.Host.Config;

/// <summary>Upstream dKV's replica ids: the 64-bit FNV-1a hash of the replica name (so <c>node-1</c> is 16615728193742600643).</summary>
public static class ReplicaIds
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Hash(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong hash = OffsetBasis;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= Prime;
        }

        return hash;
    }
}
