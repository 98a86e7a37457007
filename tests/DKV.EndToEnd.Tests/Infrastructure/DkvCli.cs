using System.Diagnostics;

namespace DKV.EndToEnd.Tests.Infrastructure;

/// <summary>Runs <c>dotnet dkv.dll ARGS</c> to completion with a deadline, with no DKV_* variables but the ones given.</summary>
internal static class DkvCli
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = new Process { StartInfo = StartInfo(args, environment) };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(s_deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dkv {string.Join(' ', args)} did not finish within {s_deadline}");
        }

        return new CliResult(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>A start info for dkv with stdout/stderr redirected and every inherited DKV_* variable removed.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dkv.Dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("DKV_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }
}
