// The benchmark targets: Micro (BenchmarkDotNet), Bench (dkv kv perf over every transport x serializer on one lstore node and on a
// 3-node dstore cluster), BenchPeers (the same workload shape against Redis and a 3-node etcd, in the same run). Loaded by build.cake.
#load "servers.cake"
#load "report.cake"

Task("Micro")
    .Description("Runs the BenchmarkDotNet suites (pass --filter='*Maple*' to narrow, --job=short for the short job).")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    var job = Argument("job", string.Empty);
    Run("dotnet", $"run -c Release --project benchmarks/DKV.Benchmarks -- --filter \"{filter}\" --join" + (job.Length > 0 ? $" --job {job}" : string.Empty));
});

Task("Bench")
    .Description("Starts servers itself and runs dkv kv perf against each with the same settings: one lstore node per transport "
        + "(tcp, unix, zmq, quic where its native library exists) x serializer (binary, msgpack, memorypack, json), then a 3-node dstore "
        + "cluster on tcp per serializer. Writes benchmarks/results/<date>/ (CSVs, summary.md with peak RSS per server, gnuplot SVGs) "
        + "and benchmarks/results/latest/. --duration=3s --warmup=1s --threads=50 --connections=1 --transports=... --serializers=... "
        + "--cluster-serializers=... (none to skip the cluster).")
    .Does(() =>
{
    var settings = PerfSettings.FromArguments((name, fallback) => Argument(name, fallback));
    var transports = Argument("transports", "tcp,unix,zmq,quic").Split(',', StringSplitOptions.RemoveEmptyEntries);
    var serializers = Argument("serializers", "binary,msgpack,memorypack,json").Split(',', StringSplitOptions.RemoveEmptyEntries);
    var clusterSerializers = Argument("cluster-serializers", "binary,msgpack,memorypack,json").Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Where(s => s != "none").ToArray();
    string dkv = BuildDkv();
    var run = new BenchRun(MakeAbsolute(Directory($"benchmarks/results/{DateTime.UtcNow:yyyy-MM-dd}")), settings, LoadAverage());
    foreach (string transport in transports)
    {
        if (!TransportAvailable(transport, out string reason))
        {
            run.NotMeasured.Add($"single node over {transport}: {reason}");
            continue;
        }

        foreach (string serializer in serializers)
        {
            MeasureSingleNode(dkv, run, transport, serializer);
        }
    }

    foreach (string serializer in clusterSerializers)
    {
        MeasureCluster(dkv, run, serializer);
    }

    run.LoadAfter = LoadAverage();
    WriteBenchReport(run);
});

Task("BenchPeers")
    .Description("The same workload shape (50 in flight, 128-byte values, 100 keys, set and get) in one run against: dkv lstore (tcp, binary), "
        + "redis-server with redis-benchmark, a 3-node dkv dstore cluster and a 3-node etcd driven by etcd's own benchmark "
        + "(benchmarks/cluster-vs-etcd.sh). Writes benchmarks/results/<date>/peers.md with ratios dKV/peer. --duration=10s --warmup=2s.")
    .Does(() =>
{
    var settings = PerfSettings.FromArguments((name, fallback) => Argument(name, fallback)) with { Skip = "set-large,delete,has,has-not,mixed" };
    if (!HasArgument("duration"))
    {
        settings = settings with { Duration = "10s", Warmup = "2s" };
    }

    string dkv = BuildDkv();
    var outDir = MakeAbsolute(Directory($"benchmarks/results/{DateTime.UtcNow:yyyy-MM-dd}"));
    EnsureDirectoryExists(outDir);
    var peers = new List<PeerFigure>();
    string loadBefore = LoadAverage();

    using (var server = StartServer(dkv, "serve --shards 100=lstore --transport tcp --serializer binary --transport-endpoint 127.0.0.1:0", "dkv lstore"))
    {
        string csv = outDir.CombineWithFilePath("peers-dkv-lstore.csv").FullPath;
        RunPerf(dkv, settings, "tcp", "binary", server.Endpoint, "lstore", csv);
        peers.AddRange(PeerFigure.FromPerfCsv("dKV.NET lstore (1 node)", csv, server.PeakRssKb()));
    }

    using (var redis = StartRedis())
    {
        peers.AddRange(RunRedisBenchmark(redis, settings, outDir));
    }

    string etcdCsv = outDir.CombineWithFilePath("peers-cluster-vs-etcd.csv").FullPath;
    int exit = StartProcess("bash", new ProcessSettings
    {
        Arguments = $"benchmarks/cluster-vs-etcd.sh --no-build --csv \"{etcdCsv}\" --duration {settings.Duration} --warmup {settings.Warmup}",
    });
    if (exit == 0 || System.IO.File.Exists(etcdCsv))
    {
        peers.AddRange(PeerFigure.FromPeerCsv(etcdCsv));
    }

    WritePeersReport(outDir, peers, settings, loadBefore, LoadAverage(), exit);
});

// One single-node server: start, perf, peak RSS, stop.
void MeasureSingleNode(string dkv, BenchRun run, string transport, string serializer)
{
    string name = $"{transport}-{serializer}";
    string tempDir = System.IO.Directory.CreateTempSubdirectory("dkv-bench-").FullName;
    try
    {
        string endpoint = transport == "unix" ? System.IO.Path.Combine(tempDir, "dkv.sock") : "127.0.0.1:0";
        using var server = StartServer(dkv, $"serve --shards 100=lstore --transport {transport} --serializer {serializer} "
            + $"--transport-endpoint {endpoint}", name);
        Information($"{name}: serving on {server.Endpoint} (pid {server.Process.Id})");
        string csv = run.OutDir.CombineWithFilePath($"{name}.csv").FullPath;
        RunPerf(dkv, run.Settings, transport, serializer, server.Endpoint, "lstore", csv);
        run.Add("1 node lstore", csv, $"{server.PeakRssKb() / 1024.0:F0}");
    }
    catch (Exception ex)
    {
        Warning($"{name}: {ex.Message}");
        run.NotMeasured.Add($"single node {name}: {ex.Message.Split('\n')[0]}");
    }
    finally
    {
        System.IO.Directory.Delete(tempDir, recursive: true);
    }
}

// One 3-node dstore cluster on tcp: start, wait for a leader, perf through all three endpoints, peak RSS of each node, stop.
void MeasureCluster(string dkv, BenchRun run, string serializer)
{
    string name = $"cluster-tcp-{serializer}";
    string dataRoot = System.IO.Directory.CreateTempSubdirectory("dkv-bench-cluster-").FullName;
    List<BenchServer> nodes = null;
    try
    {
        nodes = StartCluster(dkv, serializer, dataRoot);
        Information($"{name}: serving on {string.Join(", ", nodes.Select(n => n.Endpoint))}");
        string csv = run.OutDir.CombineWithFilePath($"{name}.csv").FullPath;
        RunPerf(dkv, run.Settings, "tcp", serializer, string.Join(",", nodes.Select(n => n.Endpoint)), "dstore", csv);
        run.Add("3 nodes dstore", csv, string.Join(" / ", nodes.Select(n => $"{n.PeakRssKb() / 1024.0:F0}")));
    }
    catch (Exception ex)
    {
        Warning($"{name}: {ex.Message}");
        run.NotMeasured.Add($"3-node dstore cluster over tcp with {serializer}: {ex.Message.Split('\n')[0]}");
    }
    finally
    {
        nodes?.ForEach(n => n.Dispose());
        System.IO.Directory.Delete(dataRoot, recursive: true);
    }
}

void RunPerf(string dkv, PerfSettings s, string transport, string serializer, string endpoints, string shardType, string csv)
{
    Run("dotnet", $"\"{dkv}\" kv perf --transport {transport} --serializer {serializer} --endpoints {endpoints} --shard 100 "
        + $"--duration {s.Duration} --warmup {s.Warmup} --threads {s.Threads} --connections {s.Connections} --keys {s.Keys} "
        + $"--value-size {s.ValueBytes} --large-value-size {s.LargeValueKb} --shard-type {shardType} --csv \"{csv}\""
        + (s.Skip.Length > 0 ? $" --skip {s.Skip}" : string.Empty));
}

// redis-benchmark at 50 connections with one request each (-P 1), 128-byte values over 100 random keys, set and get.
List<PeerFigure> RunRedisBenchmark(BenchServer redis, PerfSettings s, DirectoryPath outDir)
{
    string port = redis.Endpoint.Split(':')[1];
    IEnumerable<string> lines;
    int exit = StartProcess("redis-benchmark", new ProcessSettings
    {
        Arguments = $"-h 127.0.0.1 -p {port} -c {s.Threads} -P 1 -n {s.RedisRequests} -d {s.ValueBytes} -r {s.Keys} -t set,get --csv",
        RedirectStandardOutput = true,
    }, out lines);
    if (exit != 0)
    {
        throw new Exception($"redis-benchmark exited with {exit}");
    }

    var csv = lines.Where(l => l.StartsWith("\"")).ToList();
    System.IO.File.WriteAllLines(outDir.CombineWithFilePath("peers-redis.csv").FullPath, csv);
    long rss = redis.PeakRssKb();
    return PeerFigure.FromRedisCsv(csv, rss);
}

string LoadAverage() =>
    System.IO.File.Exists("/proc/loadavg") ? string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
