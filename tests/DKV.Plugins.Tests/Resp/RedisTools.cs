using System.Diagnostics;
using System.Net;

namespace DKV.Plugins.Tests.Resp;

/// <summary>Runs redis-cli and redis-benchmark (Debian package redis-tools); fails, never skips, when they are missing.</summary>
internal static class RedisTools
{
    public static async Task<string> CliAsync(IPEndPoint endpoint, params string[] command)
    {
        var (exit, output, error) = await RunAsync("redis-cli", ["-h", endpoint.Address.ToString(), "-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command]);
        Assert.That(exit, Is.Zero, $"redis-cli {string.Join(' ', command)} failed: {error}");
        return output.TrimEnd('\n');
    }

    public static Task<(int Exit, string Output, string Error)> BenchmarkAsync(IPEndPoint endpoint, params string[] arguments) =>
        RunAsync("redis-benchmark", ["-h", endpoint.Address.ToString(), "-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);

    private static async Task<(int, string, string)> RunAsync(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"{tool} is not installed ({ex.Message}); install it with 'apt-get install -y redis-tools' (the test command's native-restore step must do this)");
            throw;
        }

        using (process)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within 60 s");
            }

            return (process.ExitCode, await output, await error);
        }
    }
}
