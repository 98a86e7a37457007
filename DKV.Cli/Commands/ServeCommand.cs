using System.Collections;
using System.CommandLine;
using DKV.Cli.Settings;
using DKV.Host;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>
/// <c>dkv serve</c>: runs a node until SIGINT/SIGTERM. Settings come from <c>--config FILE</c> (JSON), then <c>DKV_*</c>, then flags.
/// With no flags it serves 100=lstore and 200=lockmgr(lstore) over tcp on 127.0.0.1:8080.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter error, IDictionary environment)
    {
        var command = new Command("serve", """
            Run a dKV node until SIGINT or SIGTERM, then stop cleanly (in-flight requests finish, exit code 0).
            Settings are read from a JSON file (--config), then DKV_* environment variables, then flags; later wins.
            With no flags: shards 100=lstore,200=lockmgr(lstore), tcp on 127.0.0.1:8080, binary serializer, maple engine.
            """);
        var config = new Option<string>("--config") { Description = "A JSON file of settings keyed by flag name, e.g. {\"shards\": \"100=lstore\"} [env: DKV_CONFIG]" };
        command.Add(config);
        var settings = new SettingOptions(ServerSettings.All, recursive: false);
        settings.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ServerConfig serverConfig;
            try
            {
                string? file = parseResult.GetValue(config) ?? environment["DKV_CONFIG"] as string;
                serverConfig = ServerConfigBinder.Bind(settings.Resolve(parseResult, environment, file));
            }
            catch (ConfigException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var loggerFactory = HostLogging.CreateFactory(serverConfig.LogLevel);
            try
            {
                return await ServerRunner.RunAsync(serverConfig, loggerFactory, onStarted: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ConfigException or Core.Errors.DkvException)
            {
                // Flush the log before the error line so the error is the last thing printed.
                loggerFactory.Dispose();
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return ex is ConfigException ? ExitCodes.Usage : ExitCodes.Failed;
            }
        });
        return command;
    }
}
