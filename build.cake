// dKV.NET build script. `dotnet tool restore && dotnet cake --target=<Target>`.
// Targets: Build, Test (everything CI runs), Bench (BenchmarkDotNet suites), BenchMatrix (dkv kv perf over transports x serializers),
// ClusterFaults (long cluster fault tests), Sim (simulator seeds), Check (one history file).
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./DKV.slnx";
var resultsDir = MakeAbsolute(Directory("./artifacts/test-results"));

Task("Restore-Npm")
    .Description("Installs the Node packages the MessagePack interop tests use (npm ci), where a package-lock.json exists.")
    .Does(() =>
{
    foreach (var lockFile in GetFiles("./tests/**/package-lock.json").Where(f => !f.FullPath.Contains("/node_modules/")))
    {
        var dir = lockFile.GetDirectory();
        Information($"npm ci in {dir}");
        Run("npm", "ci --no-audit --no-fund --loglevel=error", dir);
    }
});

Task("Restore-Native")
    .Description("Installs with apt-get what the tests need and a fresh Debian machine lacks: libzmq5 (zmq transport), redis-tools (RESP plugin tests).")
    .Does(() =>
{
    var missing = new List<string>();
    if (!NativeLibraryPresent("libzmq.so.5"))
    {
        missing.Add("libzmq5");
    }

    if (!FileExists("/usr/bin/redis-cli") || !FileExists("/usr/bin/redis-benchmark"))
    {
        missing.Add("redis-tools");
    }

    if (!IsRunningOnUnix() || missing.Count == 0)
    {
        return;
    }

    string packages = string.Join(" ", missing);
    Information($"installing Debian packages: {packages}");
    if (StartProcess("apt-get", $"install -y -qq --no-install-recommends {packages}") != 0)
    {
        Run("apt-get", "update -qq");
        Run("apt-get", $"install -y -qq --no-install-recommends {packages}");
    }
});

Task("Build")
    .Description("Builds the whole solution with warnings as errors.")
    .Does(() =>
{
    Run("dotnet", $"build {solution} -c {configuration} -nologo -clp:ErrorsOnly");
});

Task("Test")
    .Description("Builds, runs every test project, and prints 'N passed, N failed[, N skipped]'.")
    .IsDependentOn("Restore-Npm")
    .IsDependentOn("Restore-Native")
    .IsDependentOn("Build")
    .Does(() =>
{
    if (DirectoryExists(resultsDir))
    {
        DeleteDirectory(resultsDir, new DeleteDirectorySettings { Recursive = true, Force = true });
    }

    int exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = $"test {solution} -c {configuration} --no-build --nologo --logger \"trx\" --results-directory \"{resultsDir}\"",
    });

    var (passed, failed, skipped, total) = CountTrx(resultsDir);
    string line = $"{passed} passed, {failed} failed" + (skipped > 0 ? $", {skipped} skipped" : string.Empty);
    Information(line);
    if (total == 0)
    {
        throw new Exception("no test ran");
    }

    if (failed > 0 || exit != 0)
    {
        throw new Exception($"tests failed (dotnet test exit code {exit})");
    }
});

Task("Bench")
    .Description("Runs the BenchmarkDotNet suites (pass --filter='*Maple*' to narrow).")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    Run("dotnet", $"run -c Release --project benchmarks/DKV.Benchmarks -- --filter \"{filter}\" --join");
});

Task("BenchMatrix")
    .Description("Starts a single-node lstore server per transport (tcp, unix) x serializer (binary, msgpack, memorypack, json), runs dkv kv perf --csv "
        + "against each with the same settings, stops it, and writes benchmarks/results/<date>/ (CSVs, summary.md, charts). "
        + "--duration=3s --warmup=1s --threads=10 --connections=2.")
    .Does(() =>
{
    string duration = Argument("duration", "3s");
    string warmup = Argument("warmup", "1s");
    int threads = Argument("threads", 10);
    int connections = Argument("connections", 2);
    Run("dotnet", "build DKV.Cli -c Release --nologo -v q");
    string dkv = MakeAbsolute(File("DKV.Cli/bin/Release/net10.0/dkv.dll")).FullPath;
    var outDir = MakeAbsolute(Directory($"benchmarks/results/{DateTime.UtcNow:yyyy-MM-dd}"));
    EnsureDirectoryExists(outDir);
    var summary = new List<string>();
    foreach (string transport in new[] { "tcp", "unix" })
    {
        foreach (string serializer in new[] { "binary", "msgpack", "memorypack", "json" })
        {
            string name = $"{transport}-{serializer}";
            string csv = outDir.CombineWithFilePath($"{name}.csv").FullPath;
            string endpoint = transport == "unix" ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dkv-bench-{Guid.NewGuid():N}.sock") : "127.0.0.1:0";
            using var server = StartServer(dkv, $"serve --shards 100=lstore --transport {transport} --serializer {serializer} --transport-endpoint {endpoint}", out string bound);
            try
            {
                Information($"{name}: serving on {bound} (pid {server.Id})");
                Run("dotnet", $"\"{dkv}\" kv perf --transport {transport} --serializer {serializer} --endpoints {bound} --duration {duration} "
                    + $"--warmup {warmup} --threads {threads} --connections {connections} --shard-type lstore --csv \"{csv}\"");
                long peakKb = PeakRssKb(server.Id);
                foreach (string line in System.IO.File.ReadAllLines(csv).Skip(1))
                {
                    summary.Add($"{line},{peakKb}");
                }
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit(20_000);
                }

                if (transport == "unix" && System.IO.File.Exists(endpoint))
                {
                    System.IO.File.Delete(endpoint);
                }
            }
        }
    }

    WriteSummary(outDir, summary, $"duration {duration}, warm-up {warmup}, {threads} threads, {connections} connections per endpoint, {Environment.ProcessorCount} cores");
    Chart(outDir, summary);
});

Task("ClusterFaults")
    .Description("Runs the cluster fault tests (real dkv serve processes) longer than CI does: --rounds=5 (faults per scenario), "
        + "--load-seconds=10 (load between faults), --seed=N (replay a workload; random and printed when unset), --filter=<extra dotnet test filter>.")
    .Does(() =>
{
    int rounds = Argument("rounds", 5);
    int loadSeconds = Argument("load-seconds", 10);
    string seed = Argument("seed", string.Empty);
    string filter = Argument("filter", string.Empty);
    var environment = new Dictionary<string, string>
    {
        ["FAULT_TEST_ROUNDS"] = rounds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FAULT_TEST_LOAD_SECONDS"] = loadSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
    if (seed.Length > 0)
    {
        environment["FAULT_TEST_SEED"] = seed;
    }

    string testFilter = "TestCategory=ClusterFaults" + (filter.Length > 0 ? $"&({filter})" : string.Empty);
    int exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = $"test tests/DKV.EndToEnd.Tests -c {configuration} --nologo --filter \"{testFilter}\" --logger \"console;verbosity=normal\"",
        EnvironmentVariables = environment,
    });
    if (exit != 0)
    {
        throw new Exception($"cluster fault tests failed (dotnet test exit code {exit})");
    }
});

Task("Sim")
    .Description("Runs simulator seeds: --seeds=N --start-seed=S [--nodes=1|3|5] [--ops=500].")
    .Does(() =>
{
    var seeds = Argument("seeds", 100);
    var start = Argument("start-seed", 1L);
    var nodes = Argument("nodes", string.Empty);
    var ops = Argument("ops", string.Empty);
    string extra = (nodes.Length > 0 ? $" --nodes {nodes}" : string.Empty) + (ops.Length > 0 ? $" --ops {ops}" : string.Empty);
    Run("dotnet", $"run -c Release --project tests/DKV.Simulation -- sim --seeds {seeds} --start-seed {start}{extra}");
});

Task("Check")
    .Description("Checks one history file for linearizability: --history=FILE --format=jepsen-etcd|kv-append.")
    .Does(() =>
{
    var history = MakeAbsolute(File(Argument<string>("history")));
    var format = Argument("format", "jepsen-etcd");
    int exit = StartProcess("dotnet", $"run -c Release --project tests/DKV.Simulation -- check --history \"{history}\" --format {format}");
    if (exit > 1)
    {
        throw new Exception($"checker failed with exit code {exit}");
    }
});

RunTarget(target);

void Run(string tool, string arguments, DirectoryPath workingDirectory = null)
{
    var settings = new ProcessSettings { Arguments = arguments };
    if (workingDirectory != null)
    {
        settings.WorkingDirectory = workingDirectory;
    }

    int exit = StartProcess(tool, settings);
    if (exit != 0)
    {
        throw new Exception($"'{tool} {arguments}' exited with {exit}");
    }
}

// Starts `dotnet dkv.dll ARGS` and waits (60 s at most) for its "serving <transport> on <endpoint> with serializer" line.
System.Diagnostics.Process StartServer(string dkv, string arguments, out string endpoint)
{
    var info = new System.Diagnostics.ProcessStartInfo("dotnet", $"\"{dkv}\" {arguments}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    var process = System.Diagnostics.Process.Start(info);
    var serving = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    System.Diagnostics.DataReceivedEventHandler onLine = (_, e) =>
    {
        var match = e.Data is null ? null : System.Text.RegularExpressions.Regex.Match(e.Data, @"serving \S+ on (?<endpoint>\S+) with serializer");
        if (match is { Success: true })
        {
            serving.TrySetResult(match.Groups["endpoint"].Value);
        }
    };
    process.OutputDataReceived += onLine;
    process.ErrorDataReceived += onLine;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    if (!serving.Task.Wait(TimeSpan.FromSeconds(60)))
    {
        process.Kill(entireProcessTree: true);
        throw new Exception($"dkv {arguments} did not start serving within 60 s");
    }

    endpoint = serving.Task.Result;
    return process;
}

// Peak resident set size (VmHWM) of a live process, in KB; 0 where /proc is not available.
long PeakRssKb(int pid)
{
    string status = $"/proc/{pid}/status";
    if (!System.IO.File.Exists(status))
    {
        return 0;
    }

    string line = System.IO.File.ReadAllLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:")) ?? "VmHWM: 0 kB";
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}

// summary.md: one table row per transport x serializer x benchmark (rows are the perf CSV columns plus peak_rss_kb).
void WriteSummary(DirectoryPath outDir, List<string> rows, string settings)
{
    var md = new List<string>
    {
        $"# dkv kv perf matrix, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC",
        string.Empty,
        $"Single-node lstore server per transport x serializer; {settings}. Latencies in microseconds; peak RSS of the server process.",
        string.Empty,
        "![ops/s](ops.svg)",
        string.Empty,
        "| transport | serializer | benchmark | ops/s | p50 | p99 | p99.9 | max | errors | server peak RSS (MB) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    };
    foreach (var c in rows.Select(r => r.Split(',')))
    {
        md.Add($"| {c[10]} | {c[11]} | {c[0]} | {double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture):F0} | {c[2]} | {c[4]} | {c[5]} | {c[6]} | {c[7]} | {long.Parse(c[17]) / 1024.0:F0} |");
    }

    System.IO.File.WriteAllLines(outDir.CombineWithFilePath("summary.md").FullPath, md);
}

// ops.svg: ops/s per benchmark (clusters) for each transport x serializer (bars), drawn by gnuplot (installed from Debian if missing).
void Chart(DirectoryPath outDir, List<string> rows)
{
    if (StartProcess("sh", new ProcessSettings { Arguments = "-c \"command -v gnuplot\"" }) != 0)
    {
        Run("apt-get", "install -y --no-install-recommends gnuplot-nox");
    }

    var cells = rows.Select(r => r.Split(',')).ToList();
    var configs = cells.Select(c => $"{c[10]}-{c[11]}").Distinct().ToList();
    var benchmarks = cells.Select(c => c[0]).Distinct().ToList();
    var data = new List<string> { "benchmark " + string.Join(' ', configs) };
    foreach (string b in benchmarks)
    {
        data.Add(b + " " + string.Join(' ', configs.Select(cfg => cells.FirstOrDefault(c => c[0] == b && $"{c[10]}-{c[11]}" == cfg)?[1] ?? "0")));
    }

    System.IO.File.WriteAllLines(outDir.CombineWithFilePath("ops.dat").FullPath, data);
    System.IO.File.WriteAllLines(outDir.CombineWithFilePath("ops.gp").FullPath, new[]
    {
        "set terminal svg size 1100,500 dynamic background rgb 'white'",
        "set output 'ops.svg'",
        "set title 'dkv kv perf: operations per second (single node, lstore)'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key outside right top",
        "set ylabel 'ops/s'",
        "set yrange [0:*]",
        "set grid ytics",
        $"plot for [i=2:{configs.Count + 1}] 'ops.dat' using i:xtic(1) title columnheader(i)",
    });
    Run("gnuplot", "ops.gp", outDir);
}

bool NativeLibraryPresent(string soname)
{
    IEnumerable<string> output;
    StartProcess("/sbin/ldconfig", new ProcessSettings { Arguments = "-p", RedirectStandardOutput = true }, out output);
    return output.Any(line => line.Contains(soname));
}

// Sums the counters of every .trx file: skipped = total - passed - failed (VSTest counts ignored tests as not executed).
(int Passed, int Failed, int Skipped, int Total) CountTrx(DirectoryPath dir)
{
    int passed = 0, failed = 0, total = 0;
    if (!DirectoryExists(dir))
    {
        return (0, 0, 0, 0);
    }

    foreach (var trx in GetFiles(dir.FullPath + "/**/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        int Get(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        total += Get("total");
        passed += Get("passed");
        failed += Get("failed") + Get("error") + Get("timeout") + Get("aborted");
    }

    return (passed, failed, total - passed - failed, total);
}
