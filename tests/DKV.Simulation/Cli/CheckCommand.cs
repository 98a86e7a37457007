using System.CommandLine;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Formats;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation.Cli;

/// <summary><c>check --history FILE --format jepsen-etcd|kv-append [--timeout-seconds 60]</c>: prints the verdict on a line of its own.</summary>
public static class CheckCommand
{
    /// <summary>The formats <c>--format</c> accepts.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["jepsen-etcd", "kv-append"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var history = new Option<FileInfo>("--history") { Description = "the history file to check", Required = true };
        var format = new Option<string>("--format") { Description = "jepsen-etcd or kv-append", Required = true };
        format.AcceptOnlyFromAmong([.. Formats]);
        var timeout = new Option<int>("--timeout-seconds") { Description = "time budget; past it the verdict is unknown (exit 2)", DefaultValueFactory = _ => 60 };
        var command = new Command("check", "check one recorded history for linearizability") { history, format, timeout };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(history), parsed.GetRequiredValue(format), parsed.GetValue(timeout), Console.Out));
        return command;
    }

    /// <summary>Checks the file and writes the verdict (and, when violated, an explanation); returns 0, 1 (violated) or 2 (unknown or bad input).</summary>
    public static int Run(FileInfo file, string format, int timeoutSeconds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        if (!file.Exists)
        {
            output.WriteLine($"history file '{file.FullName}' does not exist; pass an existing file to --history");
            return 2;
        }

        if (timeoutSeconds < 1)
        {
            output.WriteLine($"--timeout-seconds must be at least 1, got {timeoutSeconds}");
            return 2;
        }

        var options = new CheckOptions { Timeout = TimeSpan.FromSeconds(timeoutSeconds), MaxStepsPerPartition = long.MaxValue, MaxDegreeOfParallelism = Environment.ProcessorCount };
        CheckResult result = format switch
        {
            "jepsen-etcd" => LinearizabilityChecker.Check(RegisterModel.Instance, JepsenEtcdLog.ParseFile(file.FullName), options),
            "kv-append" => LinearizabilityChecker.Check(AppendModel.Instance, KvAppendLog.ParseFile(file.FullName), options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"unknown format; use one of {string.Join(", ", Formats)}"),
        };
        switch (result.Verdict)
        {
            case CheckVerdict.Linearizable:
                output.WriteLine("linearizable");
                return 0;
            case CheckVerdict.NotLinearizable:
                output.WriteLine("not linearizable");
                output.WriteLine(result.Explain());
                return 1;
            default:
                output.WriteLine("unknown");
                output.WriteLine(result.Explain());
                return 2;
        }
    }
}
