using System.Collections.Concurrent;
using System.Net;
using DKV.Core.Transport;
using DKV.Host;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Plugins.Tests.Resp;

/// <summary>A dKV node with the RESP plugin loaded from plugins/ and listening on a free loopback port.</summary>
internal sealed class RespTestServer : IAsyncDisposable
{
    private readonly DkvServer _server;

    private RespTestServer(DkvServer server, IPEndPoint resp)
    {
        _server = server;
        Endpoint = resp;
    }

    public IPEndPoint Endpoint { get; }

    public static string PluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static async Task<RespTestServer> StartAsync()
    {
        var logs = new CapturingLoggerFactory();
        var config = new ServerConfig
        {
            PluginDirectories = [PluginsDirectory],
            TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" },
            PluginSettings = new Dictionary<string, string> { ["resp-endpoint"] = "127.0.0.1:0", ["resp-shard"] = "100" },
        };
        var server = await DkvServer.StartAsync(config, logs, TimeProvider.System, CancellationToken.None);
        const string marker = "RESP front end listening on ";
        string? line = logs.Messages.FirstOrDefault(m => m.StartsWith(marker, StringComparison.Ordinal));
        if (line is null)
        {
            await server.DisposeAsync();
            Assert.Fail($"the RESP plugin did not start; plugin failures: {string.Join("; ", server.Plugins.Failures.Select(f => f.Reason))}");
        }

        return new RespTestServer(server, IPEndPoint.Parse(line![marker.Length..].Split(',')[0]));
    }

    public async ValueTask DisposeAsync() => await _server.StopAsync(TimeSpan.FromSeconds(2));

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
