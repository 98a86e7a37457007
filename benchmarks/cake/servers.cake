// Starting and stopping the servers the benchmark targets measure: dkv serve (one node or a 3-node dstore cluster) and
// redis-server. Every process is started here, stopped by its own handle, and its peak RSS read from /proc before it stops.

// A started server process and the client endpoint it bound.
sealed class BenchServer : IDisposable
{
    public BenchServer(System.Diagnostics.Process process, string endpoint, string name)
    {
        Process = process;
        Endpoint = endpoint;
        Name = name;
    }

    public System.Diagnostics.Process Process { get; }

    public string Endpoint { get; }

    public string Name { get; }

    public List<string> Output { get; } = new List<string>();

    // Peak resident set size (VmHWM) in KB while the process lives; 0 where /proc is not available.
    public long PeakRssKb()
    {
        string status = $"/proc/{Process.Id}/status";
        if (Process.HasExited || !System.IO.File.Exists(status))
        {
            return 0;
        }

        string line = System.IO.File.ReadAllLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:")) ?? "VmHWM: 0 kB";
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(20_000);
        }

        Process.Dispose();
    }
}

// Builds DKV.Cli (and with it the plugins it copies) in Release and returns the path of dkv.dll.
string BuildDkv()
{
    Run("dotnet", "build DKV.Cli -c Release --nologo -v q -clp:ErrorsOnly");
    return MakeAbsolute(File("DKV.Cli/bin/Release/net10.0/dkv.dll")).FullPath;
}

// Starts `dotnet dkv.dll ARGS` and waits (60 s at most) for its "serving <transport> on <endpoint> with serializer" line.
BenchServer StartServer(string dkv, string arguments, string name)
{
    var info = new System.Diagnostics.ProcessStartInfo("dotnet", $"\"{dkv}\" {arguments}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    var process = System.Diagnostics.Process.Start(info);
    var output = new List<string>();
    var serving = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    System.Diagnostics.DataReceivedEventHandler onLine = (_, e) =>
    {
        if (e.Data is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Count < 200)
            {
                output.Add(e.Data);
            }
        }

        var match = System.Text.RegularExpressions.Regex.Match(e.Data, @"serving \S+ on (?<endpoint>\S+) with serializer");
        if (match.Success)
        {
            serving.TrySetResult(match.Groups["endpoint"].Value);
        }
    };
    process.OutputDataReceived += onLine;
    process.ErrorDataReceived += onLine;
    process.Exited += (_, _) => serving.TrySetException(new Exception($"{name}: dkv {arguments} exited with {process.ExitCode}"));
    process.EnableRaisingEvents = true;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        if (!serving.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new Exception($"{name}: dkv {arguments} did not start serving within 60 s");
        }
    }
    catch (Exception ex)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit(20_000);
        string tail;
        lock (output)
        {
            tail = string.Join(" | ", output.Where(l => l.Trim().Length > 0).TakeLast(3).Select(l => l.Trim()));
        }

        throw new Exception($"{(ex as AggregateException)?.InnerException?.Message ?? ex.Message}; last output: {tail}");
    }

    var server = new BenchServer(process, serving.Task.Result, name);
    lock (output)
    {
        server.Output.AddRange(output);
    }

    return server;
}

// A loopback TCP port that was free a moment ago (bound to port 0 and released).
int FreeTcpPort()
{
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

// Starts a 3-node dstore cluster (shard 100) with upstream's cluster flags, each node in its own data directory under
// dataRoot, and waits until a write through every node's endpoint succeeds (a leader exists and forwards), 90 s at most.
List<BenchServer> StartCluster(string dkv, string serializer, string dataRoot)
{
    var peerPorts = Enumerable.Range(0, 3).Select(_ => FreeTcpPort()).ToList();
    string members = string.Join(",", peerPorts.Select((p, i) => $"node-{i + 1}=127.0.0.1:{p}"));
    var nodes = new List<BenchServer>();
    try
    {
        for (int i = 0; i < 3; i++)
        {
            string dataDir = System.IO.Path.Combine(dataRoot, $"node-{i + 1}");
            System.IO.Directory.CreateDirectory(dataDir);
            nodes.Add(StartServer(dkv, $"serve --shards 100=dstore --replica-id node-{i + 1} --cluster-members {members} "
                + $"--data-dir \"{dataDir}\" --transport tcp --serializer {serializer} --transport-endpoint 127.0.0.1:0", $"node-{i + 1}"));
        }

        WaitWritable(dkv, serializer, nodes, TimeSpan.FromSeconds(90));
        return nodes;
    }
    catch
    {
        nodes.ForEach(n => n.Dispose());
        throw;
    }
}

// Retries `dkv kv set` against each node until it succeeds or the deadline passes (a new cluster first elects a leader).
void WaitWritable(string dkv, string serializer, List<BenchServer> nodes, TimeSpan deadline)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    foreach (var node in nodes)
    {
        while (true)
        {
            int exit = StartProcess("dotnet", new ProcessSettings
            {
                Arguments = $"\"{dkv}\" kv set --transport tcp --serializer {serializer} --endpoints {node.Endpoint} --shard 100 bench-probe ready",
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (exit == 0)
            {
                break;
            }

            if (clock.Elapsed > deadline)
            {
                throw new Exception($"the 3-node cluster did not accept a write through {node.Name} ({node.Endpoint}) within {deadline.TotalSeconds:F0} s");
            }

            if (nodes.FirstOrDefault(n => n.Process.HasExited) is { } dead)
            {
                throw new Exception($"cluster node {dead.Name} exited with {dead.Process.ExitCode}: {string.Join(" | ", dead.Output.TakeLast(5))}");
            }

            System.Threading.Thread.Sleep(500);
        }
    }
}

// Starts redis-server on a free loopback port, without persistence (its benchmark default), installing it from Debian if missing.
BenchServer StartRedis()
{
    if (!FileExists("/usr/bin/redis-server") || !FileExists("/usr/bin/redis-benchmark"))
    {
        AptInstall("redis-server redis-tools");
    }

    int port = FreeTcpPort();
    var info = new System.Diagnostics.ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --daemonize no --loglevel warning")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    var process = System.Diagnostics.Process.Start(info);
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    while (StartProcess("redis-cli", new ProcessSettings { Arguments = $"-p {port} ping", RedirectStandardOutput = true }) != 0)
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw new Exception($"redis-server on port {port} did not answer PING within 30 s");
        }

        System.Threading.Thread.Sleep(200);
    }

    return new BenchServer(process, $"127.0.0.1:{port}", "redis-server");
}

void AptInstall(string packages)
{
    Information($"installing Debian packages: {packages}");
    if (StartProcess("apt-get", $"install -y -qq --no-install-recommends {packages}") != 0)
    {
        Run("apt-get", "update -qq");
        Run("apt-get", $"install -y -qq --no-install-recommends {packages}");
    }
}

bool TransportAvailable(string transport, out string reason)
{
    reason = transport switch
    {
        "zmq" when !NativeLibraryPresent("libzmq.so.5") => "libzmq is not installed (apt-get install libzmq5)",
        "quic" when !NativeLibraryPresent("libmsquic.so") => "libmsquic is not installed, and Debian 12 does not package it",
        _ => null,
    };
    return reason is null;
}
