using DKV.Core.Errors;

namespace DKV.Cli;

/// <summary>The dkv command: <c>serve</c>, <c>kv</c>, <c>lock</c>, <c>plugins</c>, <c>version</c> (docs/cli.md).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        SocketCompletions.PreferInline();
        try
        {
            return await DkvCommandLine.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariables(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (DkvException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
