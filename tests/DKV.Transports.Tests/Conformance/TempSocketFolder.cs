namespace DKV.Transports.Tests.Conformance;

/// <summary>A temporary folder that hands out fresh socket paths; deleted by <see cref="Dispose"/>.</summary>
public sealed class TempSocketFolder : IDisposable
{
    private int _next;

    public TempSocketFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path in the folder no socket has used yet.</summary>
    public string NextSocketPath() => System.IO.Path.Combine(Path, $"s{Interlocked.Increment(ref _next)}.sock");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
