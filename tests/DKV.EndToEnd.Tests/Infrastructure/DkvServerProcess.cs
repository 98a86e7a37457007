using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace DKV.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real <c>dkv serve</c> process. tcp servers bind port 0 and the bound endpoint is read from the "serving ... on ..." log
/// line, so ports never collide; readiness is that line plus one successful connect, within a deadline. Disposing kills the
/// process if it is still running and waits for it.
/// </summary>
internal sealed partial class DkvServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stopDeadline = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DkvServerProcess(Process process, string transport)
    {
        _process = process;
        Transport = transport;
        Endpoint = string.Empty;
    }

    public string Transport { get; }

    /// <summary>The endpoint the server bound (tcp: 127.0.0.1:port; unix: the socket path).</summary>
    public string Endpoint { get; private set; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the server printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The flags a client needs to reach this server.</summary>
    public string[] ClientArgs => ["--transport", Transport, "--endpoints", Endpoint];

    /// <summary>Starts <c>dkv serve --transport T --transport-endpoint E ARGS</c> and waits until it accepts connections.</summary>
    public static async Task<DkvServerProcess> StartAsync(string transport, TempFolder folder, IEnumerable<string>? args = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string endpoint = transport == "unix" ? folder.File($"dkv-{Guid.NewGuid().ToString("N")[..8]}.sock") : "127.0.0.1:0";
        var allArgs = new List<string> { "serve", "--transport", transport, "--transport-endpoint", endpoint };
        allArgs.AddRange(args ?? []);
        var process = new Process { StartInfo = DkvCli.StartInfo(allArgs, environment), EnableRaisingEvents = true };
        var server = new DkvServerProcess(process, transport);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._serving.TrySetException(new InvalidOperationException("dkv serve exited before it was ready"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Endpoint = await server._serving.Task.WaitAsync(s_startDeadline);
            await ProbeAsync(transport, server.Endpoint);
            return server;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or SocketException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"dkv serve did not become ready: {ex.Message}\n{server.Output}", ex);
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(s_stopDeadline);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var deadline = new CancellationTokenSource(s_stopDeadline);
            await _process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task ProbeAsync(string transport, string endpoint)
    {
        using var deadline = new CancellationTokenSource(s_startDeadline);
        if (transport == "unix")
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint), deadline.Token);
            return;
        }

        using var client = new TcpClient();
        await client.ConnectAsync(IPEndPoint.Parse(endpoint), deadline.Token);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ServingLine().Match(line);
        if (match.Success)
        {
            _serving.TrySetResult(match.Groups["endpoint"].Value);
        }
    }

    [GeneratedRegex(@"serving \S+ on (?<endpoint>\S+) with serializer")]
    private static partial Regex ServingLine();
}
