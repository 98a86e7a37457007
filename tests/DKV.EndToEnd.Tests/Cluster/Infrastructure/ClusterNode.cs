using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DKV.EndToEnd.Tests.Infrastructure;
using DKV.Testing.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// One <c>dkv serve</c> cluster member as a real process: start, kill -9, SIGSTOP/SIGCONT, SIGTERM, restart with the same data
/// directory, client endpoint and peer port. Its output is kept across restarts (each start is marked).
/// </summary>
/// <remarks>Not thread-safe for concurrent control calls (start/kill/stop); <see cref="Output"/> may be read from any thread.</remarks>
internal sealed partial class ClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_stopDeadline = TimeSpan.FromSeconds(20);

    private readonly Func<IReadOnlyList<string>> _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private int _starts;

    /// <param name="index">0-based position in the cluster.</param>
    /// <param name="name">The replica id (<c>node-1</c> ...).</param>
    /// <param name="peerEndpoint">The address this node's peer listener binds.</param>
    /// <param name="dataDirectory">Its own data directory (kept across restarts).</param>
    /// <param name="arguments">Every <c>dkv serve</c> argument except the client endpoint; read at each start so a test may change flags between restarts.</param>
    public ClusterNode(int index, string name, IPEndPoint peerEndpoint, string dataDirectory, Func<IReadOnlyList<string>> arguments)
    {
        Index = index;
        Name = name;
        PeerEndpoint = peerEndpoint;
        DataDirectory = dataDirectory;
        _arguments = arguments;
        // Outside the ephemeral range (see LoopbackPorts): a restart binds the same port again, and an ephemeral port freed by a
        // kill could meanwhile be taken by any outgoing connection.
        ClientEndpoint = LoopbackPorts.Reserve().ToString();
    }

    public int Index { get; }

    public string Name { get; }

    public IPEndPoint PeerEndpoint { get; }

    public string DataDirectory { get; }

    /// <summary>The client endpoint (tcp): the same port on every start.</summary>
    public string ClientEndpoint { get; private set; }

    /// <summary>True while the process runs (paused counts as running).</summary>
    public bool IsRunning => _process is { HasExited: false };

    public bool IsPaused { get; private set; }

    /// <summary>The exit code of the last process, once it exited.</summary>
    public int? ExitCode => _process is { HasExited: true } ? _process.ExitCode : null;

    /// <summary>Everything printed so far, every start included.</summary>
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

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Output"/>, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        string[] all = Output.Split('\n');
        return $"--- {Name} (last {Math.Min(lines, all.Length)} lines) ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>Starts the process and waits until it serves clients (its "serving" line and one connect).</summary>
    public async Task StartAsync()
    {
        var serving = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Launch(serving);
        try
        {
            string endpoint = await serving.Task.WaitAsync(s_startDeadline);
            using var probe = new TcpClient();
            using var deadline = new CancellationTokenSource(s_startDeadline);
            await probe.ConnectAsync(IPEndPoint.Parse(endpoint), deadline.Token);
            ClientEndpoint = endpoint;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or SocketException or OperationCanceledException)
        {
            await KillAsync();
            throw new InvalidOperationException($"{Name} did not start serving: {ex.Message}\n{Tail()}", ex);
        }
    }

    /// <summary>Starts the process expecting it to fail, and waits for its exit code (throws when it is still running at the deadline).</summary>
    public async Task<int> StartExpectingExitAsync(TimeSpan deadline)
    {
        var process = Launch(new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} was expected to exit but still ran after {deadline}\n{Tail()}");
        }

        return process.ExitCode;
    }

    /// <summary>kill -9, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        _process.Kill(entireProcessTree: true);
        using var deadline = new CancellationTokenSource(s_stopDeadline);
        await _process.WaitForExitAsync(deadline.Token);
        IsPaused = false;
        Note("killed with SIGKILL");
    }

    /// <summary>SIGSTOP: the process stays alive but does nothing (its sockets stay open, timers stop).</summary>
    public async Task PauseAsync()
    {
        await SignalAsync("STOP");
        IsPaused = true;
        Note("paused with SIGSTOP");
    }

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public async Task ResumeAsync()
    {
        await SignalAsync("CONT");
        IsPaused = false;
        Note("resumed with SIGCONT");
    }

    /// <summary>SIGTERM (graceful shutdown) and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was never started");
        if (IsPaused)
        {
            await ResumeAsync();
        }

        await SignalAsync("TERM");
        using var deadline = new CancellationTokenSource(s_stopDeadline);
        await process.WaitForExitAsync(deadline.Token);
        Note($"stopped with SIGTERM, exit code {process.ExitCode}");
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process?.Dispose();
            _process = null;
        }
    }

    private Process Launch(TaskCompletionSource<string> serving)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running (pid {_process!.Id})");
        }

        _process?.Dispose();
        var args = new List<string> { "serve", "--transport", "tcp", "--transport-endpoint", ClientEndpoint };
        args.AddRange(_arguments());
        var process = new Process { StartInfo = DkvCli.StartInfo(args, null), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, serving);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, serving);
        process.Exited += (_, _) => serving.TrySetException(new InvalidOperationException($"{Name} exited before it served clients"));
        _starts++;
        Note($"start #{_starts}: dkv {string.Join(' ', args)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        IsPaused = false;
        return process;
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process is { HasExited: false } running ? running : throw new InvalidOperationException($"{Name} is not running; cannot send SIG{signal}");
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} ({Name}) failed with exit code {kill.ExitCode}");
        }
    }

    private void Note(string text) => OnLine($"[harness {DateTime.UtcNow:HH:mm:ss.fff}] {Name}: {text}", null);

    private void OnLine(string? line, TaskCompletionSource<string>? serving)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (serving is not null && ServingLine().Match(line) is { Success: true } match)
        {
            serving.TrySetResult(match.Groups["endpoint"].Value);
        }
    }

    [GeneratedRegex(@"serving tcp on (?<endpoint>\S+) with serializer")]
    private static partial Regex ServingLine();
}
