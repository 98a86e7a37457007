namespace DKV.Testing.Linearizability.Models;

/// <summary>String hashing that is the same in every process (string.GetHashCode is randomised per process).</summary>
internal static class StableHash
{
    public static int Of(string? text)
    {
        if (text is null)
        {
            return 0x5bd1e995;
        }

        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }
}
