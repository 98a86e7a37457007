using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using DKV.Testing.Infrastructure;

namespace DKV.Serializers.Tests.MessagePack;

/// <summary>
/// Runs <c>interop/msgpack-interop.mjs</c> under Node.js with the reference implementation <c>@msgpack/msgpack</c>.
/// Fails (never skips) when Node.js or the npm packages are missing, saying how to fix it. Every run is bounded by a deadline.
/// </summary>
internal static class NodeInterop
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    public static string Folder => Path.Combine(RepositoryRoot.Find(), "tests", "DKV.Serializers.Tests", "interop");

    /// <summary>Runs the script in <paramref name="mode"/> with <paramref name="input"/> as JSON on stdin; returns the parsed stdout.</summary>
    public static async Task<JsonArray> RunAsync(string mode, JsonArray input)
    {
        string folder = Folder;
        if (!File.Exists(Path.Combine(folder, "node_modules", "@msgpack", "msgpack", "package.json")))
        {
            Assert.Fail($"@msgpack/msgpack is not installed: run `npm ci` in {folder} (the test command does this before running tests)");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("msgpack-interop.mjs");
        start.ArgumentList.Add(mode);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"could not start `node` ({ex.Message}); install Node.js 18 or later and put it on PATH");
        }

        using var deadline = new CancellationTokenSource(s_deadline);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.StandardInput.WriteAsync(input.ToJsonString()).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node msgpack-interop.mjs {mode} did not finish within {s_deadline}; killed it");
        }

        string output = await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        Assert.That(process.ExitCode, Is.Zero, $"node msgpack-interop.mjs {mode} failed: {errors}");
        return JsonNode.Parse(output)!.AsArray();
    }
}
