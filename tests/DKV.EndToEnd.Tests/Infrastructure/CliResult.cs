namespace DKV.EndToEnd.Tests.Infrastructure;

/// <summary>What one dkv invocation printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
