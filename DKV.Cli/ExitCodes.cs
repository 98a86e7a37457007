namespace DKV.Cli;

/// <summary>The dkv exit codes (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a get that finds nothing is still a success).</summary>
    public const int Success = 0;

    /// <summary>
    /// The operation failed: the server answered with an error, could not be reached, timed out; or a lock was not
    /// acquired, released or refreshed.
    /// </summary>
    public const int Failed = 1;

    /// <summary>The command line (or a DKV_* variable or config file) is wrong: unknown flag, missing argument, bad value.</summary>
    public const int Usage = 2;
}
