using System.CommandLine;
using DKV.Simulation.Cli;

namespace DKV.Simulation;

/// <summary>Entry point: <c>check</c> one recorded history, or <c>sim</c> a range of simulator seeds.</summary>
public static class Program
{
    /// <summary>Runs the command line; exit 0 on success, 1 on a violation, 2 on bad usage.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("dKV.NET consensus simulator and linearizability checker")
        {
            CheckCommand.Create(),
            SimCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            return 2;
        }

        return parsed.Invoke();
    }
}
