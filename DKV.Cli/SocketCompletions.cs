namespace DKV.Cli;

/// <summary>
/// Makes socket I/O completions run on the socket engine's own threads instead of being queued to the thread pool, unless the
/// operator chose otherwise through <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> (set it to <c>0</c> to turn this off).
/// </summary>
/// <remarks>
/// Why: with the default, every received request and peer message wakes a pool thread. On the 2-core benchmark machine a 3-node
/// cluster then spends about a third of its CPU switching threads; inline completions cut the CPU per replicated write by about a
/// third (benchmarks/README.md, "Inline socket completions"). It is safe here because nothing on dKV.NET's socket paths blocks:
/// handlers finish or reach their first await in microseconds (writes queue to the node host's loop, lock waits are async).
/// The runtime reads the variable once, when the first socket is created, so this must run first thing in Main.
/// </remarks>
internal static class SocketCompletions
{
    internal const string VariableName = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable to 1 when it is not set at all; an operator's value (any) is left alone.</summary>
    public static void PreferInline()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            if (Environment.GetEnvironmentVariable(VariableName) is null)
            {
                Environment.SetEnvironmentVariable(VariableName, "1");
            }
        }
    }
}
