using DKV.Core.Errors;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>
/// A connected client for one command: settings resolved (flags over <c>DKV_*</c> over defaults), plugins loaded, the
/// transport connected with the named serializer. Disposing closes the connections.
/// </summary>
internal sealed class ClientContext : IAsyncDisposable
{
    private readonly ClientConnector _connector;

    private ClientContext(ClientConnector connector, IClientTransport transport, ulong shard)
    {
        _connector = connector;
        Transport = transport;
        Shard = shard;
    }

    public IClientTransport Transport { get; }

    public IRpcSerializer Serializer => _connector.Serializer;

    public ulong Shard { get; }

    /// <summary>The per-request deadline (<c>--timeout</c>).</summary>
    public TimeSpan Timeout => _connector.Timeout;

    /// <summary>
    /// Resolves the settings and connects. <paramref name="minimumTimeout"/> raises the per-request deadline for commands that
    /// wait on the server (a lock acquire with --wait). Throws <see cref="ConfigException"/> for bad settings and
    /// <see cref="DkvException"/> when the server cannot be reached or speaks another serializer.
    /// </summary>
    public static async Task<ClientContext> ConnectAsync(SettingsSources settings, TimeSpan minimumTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ulong shard = (ulong)SettingParser.Integer(settings.Get(ClientSettings.Shard), 0, long.MaxValue);
        var connector = ClientConnector.Create(settings, minimumTimeout);
        try
        {
            var transport = await connector.ConnectAsync(endpoints: null, cancellationToken).ConfigureAwait(false);
            return new ClientContext(connector, transport, shard);
        }
        catch
        {
            await connector.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync().ConfigureAwait(false);
        await _connector.DisposeAsync().ConfigureAwait(false);
    }
}
