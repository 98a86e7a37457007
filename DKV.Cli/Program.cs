namespace DKV.Cli;

/// <summary>The dkv command. The full command tree arrives with the single-node issue.</summary>
public static class Program
{
    public const string Version = "0.1.0";

    public static int Main(string[] args)
    {
        Console.WriteLine($"dKV.NET v{Version}");
        return args.Length == 0 ? 0 : 2;
    }
}
