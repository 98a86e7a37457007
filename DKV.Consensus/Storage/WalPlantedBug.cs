namespace DKV.Consensus.Storage;

/// <summary>Deliberate defects the tests switch on to prove the crash-point checker catches them (STYLE.md rule 18).</summary>
internal enum WalPlantedBug
{
    /// <summary>Correct behaviour.</summary>
    None = 0,

    /// <summary>A sync writes the records but skips the fsync, so synced records can be lost in a crash.</summary>
    SkipFsync = 1,
}
