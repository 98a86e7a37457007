// dKV.NET build script. `dotnet tool restore && dotnet cake --target=<Target>`.
// Targets: Build, Test (everything CI runs), Bench (dkv kv perf against servers it starts: one node per transport x serializer and a
// 3-node cluster; CSVs, summary, charts), BenchPeers (the same workload against Redis and a 3-node etcd), Micro (BenchmarkDotNet suites),
// ClusterFaults (long cluster fault tests), Sim (simulator seeds), Check (one history file). The benchmark targets live in benchmarks/cake/.
#load "benchmarks/cake/bench.cake"
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./DKV.slnx";
var resultsDir = MakeAbsolute(Directory("./artifacts/test-results"));

Task("Restore-Npm")
    .Description("Installs the Node packages the MessagePack interop tests use (npm ci), where a package-lock.json exists.")
    .IsDependentOn("Restore-Native")
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
    .Description("Installs with apt-get what the tests need and a fresh Debian machine lacks: libzmq5 (zmq transport), redis-tools (RESP plugin tests), npm (MessagePack interop tests).")
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

    if (!OnPath("npm"))
    {
        missing.Add("npm");
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
    .IsDependentOn("Restore-Native")
    .IsDependentOn("Restore-Npm")
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

// True when an executable of that name is in one of the PATH folders.
bool OnPath(string name) =>
    (EnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => System.IO.File.Exists(System.IO.Path.Combine(dir, name)));
