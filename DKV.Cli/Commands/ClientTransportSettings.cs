using DKV.Core.Transport;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>Reads the client transport flags (<see cref="ClientSettings"/>) into <see cref="ClientTransportOptions"/>, validated.</summary>
internal static class ClientTransportSettings
{
    /// <summary>Throws <see cref="ConfigException"/> naming the setting when a value is out of range.</summary>
    public static ClientTransportOptions Read(SettingsSources settings, string transport, string serializer, TimeSpan timeout)
    {
        var endpointsSetting = settings.GetList(ClientSettings.Endpoints);
        IReadOnlyList<string> endpoints = endpointsSetting.Origin == "default"
            ? [ClientSettings.DefaultEndpoint(transport) ?? throw new ConfigException($"--endpoints is required with --transport {transport}")]
            // Comma-separated, as upstream's --transport-endpoints (strings.Split(v, ",")); blanks around commas are dropped.
            : endpointsSetting.Values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var linger = settings.Get(ClientSettings.TcpLinger);
        var options = new ClientTransportOptions
        {
            Endpoints = endpoints,
            SerializerName = serializer,
            RequestTimeout = timeout,
            ConnectionsPerEndpoint = (int)SettingParser.Integer(settings.Get(ClientSettings.ConnectionsPerEndpoint), 1, 1024),
            MaxAttempts = (int)SettingParser.Integer(settings.Get(ClientSettings.Retries), 1, 100),
            WriteBufferBytes = (int)SettingParser.Integer(settings.Get(ClientSettings.WriteBuffer), 1, 1024 * 1024) * 1024,
            ReadBufferBytes = (int)SettingParser.Integer(settings.Get(ClientSettings.ReadBuffer), 1, 1024 * 1024) * 1024,
            TcpNoDelay = SettingParser.Boolean(settings.Get(ClientSettings.TcpNoDelay)),
            TcpKeepAlive = SettingParser.Duration(settings.Get(ClientSettings.TcpKeepAlive), TimeSpan.FromSeconds(1), TimeSpan.Zero),
            TcpLinger = linger.Value?.Trim() == "-1" ? null : SettingParser.Duration(linger, TimeSpan.FromSeconds(1), TimeSpan.Zero),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException($"invalid client transport settings: {ex.Message}", ex);
        }

        return options;
    }
}
