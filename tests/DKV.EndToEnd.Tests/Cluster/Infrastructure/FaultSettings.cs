using System.Globalization;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// How long the fault scenarios run. CI uses the short defaults; the <c>ClusterFaults</c> Cake target sets the environment
/// variables <c>FAULT_TEST_ROUNDS</c> (faults per scenario), <c>FAULT_TEST_LOAD_SECONDS</c> (load between faults) and
/// <c>FAULT_TEST_SEED</c> (the workload seed; random and printed when unset). NUnit run parameters of the same names
/// (<c>-- TestRunParameters.Parameter(name="FAULT_TEST_ROUNDS", value="5")</c>) override them.
/// </summary>
internal sealed record FaultSettings(int Rounds, TimeSpan LoadBetweenFaults, int Seed)
{
    /// <summary>Reads the settings for the current test, printing them to the test output.</summary>
    public static FaultSettings Current()
    {
        int rounds = Read("FAULT_TEST_ROUNDS", 1, 1, 1000);
        int seconds = Read("FAULT_TEST_LOAD_SECONDS", 2, 0, 3600);
        int seed = Read("FAULT_TEST_SEED", Random.Shared.Next(1, int.MaxValue), 0, int.MaxValue);
        var settings = new FaultSettings(rounds, TimeSpan.FromSeconds(seconds), seed);
        TestContext.Out.WriteLine($"fault settings: {rounds} rounds, {seconds} s of load between faults, seed {seed} (FAULT_TEST_SEED={seed} replays the workload)");
        return settings;
    }

    private static int Read(string name, int fallback, int min, int max)
    {
        string? text = TestContext.Parameters.Get(name) ?? Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, text, $"{name} must be an integer from {min} to {max}");
        }

        return value;
    }
}
