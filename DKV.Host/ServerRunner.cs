using System.Runtime.InteropServices;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>
/// Runs a <see cref="DkvServer"/> until SIGINT or SIGTERM (or <paramref name="cancellationToken"/>), then shuts down cleanly:
/// stop accepting, let in-flight requests finish within <see cref="ServerConfig.ShutdownTimeout"/>, close, exit code 0.
/// </summary>
public static class ServerRunner
{
    /// <summary>Serves until a signal arrives; returns the process exit code (0 after a clean stop).</summary>
    /// <param name="onStarted">Called once listening, with the bound endpoint (for example to print it).</param>
    public static async Task<int> RunAsync(ServerConfig config, ILoggerFactory loggerFactory, Action<string>? onStarted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger(typeof(ServerRunner));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string signal = "cancellation";
        void OnSignal(PosixSignalContext context)
        {
            // Cancel the default action (immediate termination) and stop in order instead.
            context.Cancel = true;
            signal = context.Signal.ToString();
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        DkvServer server;
        try
        {
            server = await DkvServer.StartAsync(config, loggerFactory, TimeProvider.System, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A signal during start: nothing was serving yet, so stopping is already done.
            Log.Stopping(logger, signal, "0s");
            return 0;
        }

        try
        {
            onStarted?.Invoke(server.BoundEndpoint);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Log.Stopping(logger, signal, DurationText.Format(config.ShutdownTimeout));
            }
        }
        finally
        {
            await server.StopAsync(config.ShutdownTimeout).ConfigureAwait(false);
        }

        return 0;
    }
}
