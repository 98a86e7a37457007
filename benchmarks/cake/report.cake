// Settings, result rows, the Markdown summaries and the gnuplot charts of the benchmark targets.

// The dkv kv perf settings every server in one run gets (the same for all, so the rows compare).
sealed record PerfSettings(string Duration, string Warmup, int Threads, int Connections, int Keys, int ValueBytes, int LargeValueKb, string Skip, int RedisRequests)
{
    public static PerfSettings FromArguments(Func<string, string, string> argument) => new PerfSettings(
        argument("duration", "3s"),
        argument("warmup", "1s"),
        int.Parse(argument("threads", "50")),
        int.Parse(argument("connections", "1")),
        int.Parse(argument("keys", "100")),
        int.Parse(argument("value-size", "128")),
        int.Parse(argument("large-value-size", "64")),
        argument("skip", string.Empty),
        int.Parse(argument("redis-requests", "300000")));

    public string Describe() =>
        $"{Threads} workers with one request in flight each, {Connections} connection(s) per endpoint, {ValueBytes}-byte random values "
        + $"(set-large {LargeValueKb} KiB), {Keys} keys, {Warmup} warm-up then {Duration} measured per benchmark";
}

// One measured benchmark of one server configuration (a line of a dkv kv perf CSV plus the server's peak RSS).
sealed record BenchRow(string Topology, string Transport, string Serializer, string Benchmark, double Ops, double P50, double P99, double P999, long Errors, string RssMb)
{
    public string Config => Topology.StartsWith("3") ? $"cluster-{Transport}-{Serializer}" : $"{Transport}-{Serializer}";
}

sealed class BenchRun
{
    public BenchRun(DirectoryPath outDir, PerfSettings settings, string loadBefore)
    {
        OutDir = outDir;
        Settings = settings;
        LoadBefore = loadBefore;
        System.IO.Directory.CreateDirectory(outDir.FullPath);

        // A second Bench run on the same day replaces the first (BenchPeers' peers-* files stay).
        foreach (string file in System.IO.Directory.GetFiles(outDir.FullPath).Where(f => !System.IO.Path.GetFileName(f).StartsWith("peers")))
        {
            System.IO.File.Delete(file);
        }
    }

    public DirectoryPath OutDir { get; }

    public PerfSettings Settings { get; }

    public string LoadBefore { get; }

    public string LoadAfter { get; set; } = "n/a";

    public DateTime Started { get; } = DateTime.UtcNow;

    public List<BenchRow> Rows { get; } = new List<BenchRow>();

    public List<string> NotMeasured { get; } = new List<string>();

    // Reads a dkv kv perf CSV (columns: benchmark,ops_per_sec,p50_us,p90_us,p99_us,p999_us,max_us,errors,ops,value_size,transport,serializer,...).
    public void Add(string topology, string csv, string rssMb)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var c in System.IO.File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')))
        {
            Rows.Add(new BenchRow(topology, c[10], c[11], c[0], double.Parse(c[1], inv), double.Parse(c[2], inv), double.Parse(c[4], inv),
                double.Parse(c[5], inv), long.Parse(c[7], inv), rssMb));
        }
    }
}

// One figure of the peers comparison: a system, an operation (set or get), throughput and latency.
sealed record PeerFigure(string Name, string Operation, double Ops, double P50Us, double P99Us, string RssMb)
{
    static readonly global::System.Globalization.CultureInfo Inv = global::System.Globalization.CultureInfo.InvariantCulture;

    public static IEnumerable<PeerFigure> FromPerfCsv(string name, string csv, long rssKb) =>
        global::System.IO.File.ReadAllLines(csv).Skip(1).Select(l => l.Split(','))
            .Select(c => new PeerFigure(name, c[0], double.Parse(c[1], Inv), double.Parse(c[2], Inv), double.Parse(c[4], Inv), $"{rssKb / 1024.0:F0}"));

    // redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms".
    public static List<PeerFigure> FromRedisCsv(List<string> lines, long rssKb) =>
        lines.Select(l => l.Split(',').Select(f => f.Trim('"')).ToArray()).Where(c => c[0] is "SET" or "GET")
            .Select(c => new PeerFigure("Redis 7 (redis-benchmark)", c[0].ToLowerInvariant(), double.Parse(c[1], Inv),
                double.Parse(c[4], Inv) * 1000, double.Parse(c[6], Inv) * 1000, $"{rssKb / 1024.0:F0}"))
            .ToList();

    // benchmarks/cluster-vs-etcd.sh --csv: system,operation,ops_per_sec,p50_us,p99_us,peak_rss_mb.
    public static IEnumerable<PeerFigure> FromPeerCsv(string csv) =>
        global::System.IO.File.ReadAllLines(csv).Skip(1).Select(l => l.Split(','))
            .Select(c => new PeerFigure(c[0], c[1], double.Parse(c[2], Inv), double.Parse(c[3], Inv), double.Parse(c[4], Inv), c[5]));
}

// summary.md, the charts, and a copy of both in benchmarks/results/latest/.
void WriteBenchReport(BenchRun run)
{
    var md = new List<string>
    {
        $"# dkv kv perf matrix, {run.Started:yyyy-MM-dd HH:mm} UTC",
        string.Empty,
        $"Every server started by `dotnet cake --target=Bench` and measured with the same settings: {run.Settings.Describe()}. "
            + $"Client and servers share this machine's {Environment.ProcessorCount} cores; load average {run.LoadBefore} before the run, {run.LoadAfter} after. "
            + "Latencies in microseconds; peak RSS (VmHWM) of each server process (cluster: node-1 / node-2 / node-3).",
        string.Empty,
        "![ops/s, single node](ops.svg)",
        string.Empty,
        "![ops/s, 3-node cluster](cluster.svg)",
        string.Empty,
        "![p99 latency of set and get](p99.svg)",
        string.Empty,
        "| servers | transport | serializer | benchmark | ops/s | p50 µs | p99 µs | p99.9 µs | errors | server peak RSS (MB) |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    };
    md.AddRange(run.Rows.Select(r => $"| {r.Topology} | {r.Transport} | {r.Serializer} | {r.Benchmark} | {r.Ops:F0} | {r.P50:F0} | {r.P99:F0} | {r.P999:F0} | {r.Errors} | {r.RssMb} |"));
    if (run.NotMeasured.Count > 0)
    {
        md.Add(string.Empty);
        md.Add("Not measured in this run:");
        md.AddRange(run.NotMeasured.Select(n => $"- {n}"));
    }

    System.IO.File.WriteAllLines(run.OutDir.CombineWithFilePath("summary.md").FullPath, md);
    var single = run.Rows.Where(r => !r.Topology.StartsWith("3")).ToList();
    var cluster = run.Rows.Where(r => r.Topology.StartsWith("3")).ToList();
    BarChart(run.OutDir, "ops", "dkv kv perf: operations per second, one lstore node per transport x serializer", "ops/s", single, r => r.Ops);
    BarChart(run.OutDir, "cluster", "dkv kv perf: operations per second, 3-node dstore cluster over tcp (fsync on)", "ops/s", cluster, r => r.Ops);
    BarChart(run.OutDir, "p99", "dkv kv perf: p99 latency of set and get (µs)", "µs", run.Rows.Where(r => r.Benchmark is "set" or "get").ToList(), r => r.P99);
    var latest = MakeAbsolute(Directory("benchmarks/results/latest"));
    EnsureDirectoryExists(latest);
    CleanDirectory(latest);
    foreach (var file in GetFiles(run.OutDir.FullPath + "/*.svg").Concat(GetFiles(run.OutDir.FullPath + "/summary.md")))
    {
        CopyFileToDirectory(file, latest);
    }

    Information($"wrote {run.OutDir}/summary.md and charts ({run.Rows.Count} rows, {run.NotMeasured.Count} configurations not measured)");
}

// A clustered bar chart: one cluster per benchmark, one bar per configuration. Skipped (with a note) when there are no rows.
void BarChart(DirectoryPath outDir, string stem, string title, string ylabel, List<BenchRow> rows, Func<BenchRow, double> value)
{
    if (rows.Count == 0)
    {
        return;
    }

    if (StartProcess("sh", new ProcessSettings { Arguments = "-c \"command -v gnuplot\"", RedirectStandardOutput = true }) != 0)
    {
        AptInstall("gnuplot-nox");
    }

    var configs = rows.Select(r => r.Config).Distinct().ToList();
    var benchmarks = rows.Select(r => r.Benchmark).Distinct().ToList();
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    var data = new List<string> { "benchmark " + string.Join(' ', configs) };
    data.AddRange(benchmarks.Select(b => b + " " + string.Join(' ',
        configs.Select(cfg => rows.Where(r => r.Benchmark == b && r.Config == cfg).Select(value).DefaultIfEmpty(0).First().ToString("F0", inv)))));
    System.IO.File.WriteAllLines(outDir.CombineWithFilePath($"{stem}.dat").FullPath, data);
    System.IO.File.WriteAllLines(outDir.CombineWithFilePath($"{stem}.gp").FullPath, new[]
    {
        $"set terminal svg size {Math.Max(900, 160 + benchmarks.Count * configs.Count * 14)},500 dynamic background rgb 'white'",
        $"set output '{stem}.svg'",
        $"set title '{title}'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key outside right top",
        $"set ylabel '{ylabel}'",
        "set yrange [0:*]",
        "set format y '%.0f'",
        "set grid ytics",
        $"plot for [i=2:{configs.Count + 1}] '{stem}.dat' using i:xtic(1) title columnheader(i)",
    });
    Run("gnuplot", $"{stem}.gp", outDir);
}

// peers.md: every figure of the same run, then the ratios dKV.NET / peer (above 1 means dKV.NET is faster).
void WritePeersReport(DirectoryPath outDir, List<PeerFigure> figures, PerfSettings s, string loadBefore, string loadAfter, int etcdExit)
{
    var md = new List<string>
    {
        $"# dKV.NET and its peers, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC",
        string.Empty,
        $"One run of `dotnet cake --target=BenchPeers` on {Environment.ProcessorCount} cores shared by every server and load generator; "
            + $"load average {loadBefore} before, {loadAfter} after. Workload: {s.Threads} requests in flight, {s.ValueBytes}-byte values, {s.Keys} keys; "
            + "dkv kv perf for dKV.NET, redis-benchmark (-c 50 -P 1) for Redis, etcd's tools/benchmark (50 clients, 50 connections) for etcd.",
        string.Empty,
        "| system | operation | ops/s | p50 µs | p99 µs | peak RSS (MB) |",
        "|---|---|---:|---:|---:|---:|",
    };
    md.AddRange(figures.Select(f => $"| {f.Name} | {f.Operation} | {f.Ops:F0} | {f.P50Us:F0} | {f.P99Us:F0} | {f.RssMb} |"));
    md.Add(string.Empty);
    md.Add("| ratio (ops/s) | set | get |");
    md.Add("|---|---:|---:|");
    AddRatio(md, figures, "dKV.NET lstore (1 node)", "Redis 7 (redis-benchmark)");
    AddRatio(md, figures, "dKV.NET dstore (3 nodes)", "etcd 3-node");
    if (etcdExit != 0)
    {
        md.Add(string.Empty);
        md.Add($"benchmarks/cluster-vs-etcd.sh exited with {etcdExit}; see its output in the build log (rows it could not measure are missing above).");
    }

    System.IO.File.WriteAllLines(outDir.CombineWithFilePath("peers.md").FullPath, md);
    Information(string.Join("\n", md));
}

void AddRatio(List<string> md, List<PeerFigure> figures, string ours, string peerPrefix)
{
    string Ratio(string op)
    {
        var a = figures.FirstOrDefault(f => f.Name == ours && f.Operation == op);
        var b = figures.FirstOrDefault(f => f.Name.StartsWith(peerPrefix) && f.Operation == op);
        return a is null || b is null || b.Ops <= 0 ? "n/a" : $"{a.Ops / b.Ops:F2}x";
    }

    md.Add($"| {ours} / {peerPrefix} | {Ratio("set")} | {Ratio("get")} |");
}
