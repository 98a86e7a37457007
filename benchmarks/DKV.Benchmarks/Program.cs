using BenchmarkDotNet.Running;

namespace DKV.Benchmarks;

/// <summary>Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project benchmarks/DKV.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["host-load", .. var rest])
        {
            Consensus.NodeHostLoad.RunAsync(rest).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
