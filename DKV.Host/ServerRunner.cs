using System.Runtime.InteropServices;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>
/// Runs a <see cref="DkvServer"/> until SIGINT or SIGTERM (or <paramref name="cancellationToken"/>), then shuts down cleanly:
/// stop accepting, let in-flight requests finish within <see cref="ServerConfig.ShutdownTimeout"/>, close, exit code 0.
/// If the consensus node stops on a fatal error, the server stops the same way and the exit code is 1.
/// </summary>
public static class ServerRunner
{
    /// <summary>Serves until a signal arrives; returns the process exit code (0 after a clean stop).</summary>
    /// <param name="onStarted">Called once listening, with the bound endpoint (for example to print it).</param>
    public static Task<int> RunAsync(ServerConfig config, ILoggerFactory loggerFactory, Action<string>? onStarted, CancellationToken cancellationToken) =>
        RunAsync(config, loggerFactory, onStarted, addServices: null, cancellationToken);

    /// <summary>As the public overload; <paramref name="addServices"/> adds services after the plugins registered theirs (tests).</summary>
    internal static async Task<int> RunAsync(
        ServerConfig config, ILoggerFactory loggerFactory, Action<string>? onStarted, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? addServices,
        CancellationToken cancellationToken)
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
            server = await DkvServer.StartAsync(config, loggerFactory, TimeProvider.System, addServices, stop.Token).ConfigureAwait(false);
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
            var signalled = Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
            if (await Task.WhenAny(signalled, server.Failed).ConfigureAwait(false) == server.Failed)
            {
                // Fail-stop: a replica whose consensus node died answers every request with an error; exiting lets the
                // operator (or systemd) see it and restart it, instead of a process that looks alive.
                Log.ConsensusFailed(logger, await server.Failed.ConfigureAwait(false));
                return 1;
            }

            Log.Stopping(logger, signal, DurationText.Format(config.ShutdownTimeout));
        }
        finally
        {
            await server.StopAsync(config.ShutdownTimeout).ConfigureAwait(false);
        }

        return 0;
    }
}
