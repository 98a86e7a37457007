namespace DKV.Consensus.Storage;

/// <summary>
/// Thrown by <see cref="SimulatedWalFileSystem"/> at the scripted crash boundary and by every later call until
/// <see cref="SimulatedWalFileSystem.Crash"/> restarts the simulated machine. Code under test must let it propagate.
/// </summary>
public sealed class SimulatedCrashException : Exception
{
    /// <summary>Creates the exception for boundary number <paramref name="boundary"/>.</summary>
    public SimulatedCrashException(long boundary)
        : base($"simulated crash at write/fsync boundary {boundary}")
    {
        Boundary = boundary;
    }

    /// <summary>The boundary (1-based count of write, fsync and name operations) at which the machine crashed.</summary>
    public long Boundary { get; }
}
