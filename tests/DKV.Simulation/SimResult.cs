namespace DKV.Simulation;

/// <summary>The outcome of one seed.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Nodes">Cluster size.</param>
/// <param name="OperationBudget">Client operations the run was asked to issue.</param>
/// <param name="Violation">What failed, or null when every check passed.</param>
/// <param name="TraceHash">The rolling hash of every event (equal for equal runs).</param>
/// <param name="Events">Events processed.</param>
/// <param name="SimulatedMs">Simulated time at the end.</param>
/// <param name="Operations">Operations in the checked history (returned or unknown).</param>
/// <param name="Unknown">Operations with an unknown outcome.</param>
/// <param name="Crashes">Node crashes.</param>
/// <param name="Profile">The fault profile used.</param>
public sealed record SimResult(
    ulong Seed,
    int Nodes,
    int OperationBudget,
    string? Violation,
    ulong TraceHash,
    long Events,
    long SimulatedMs,
    int Operations,
    int Unknown,
    int Crashes,
    FaultProfile Profile)
{
    /// <summary>Session writes answered with an earlier copy's outcome instead of being applied again (production stack).</summary>
    public int Deduplicated { get; init; }

    /// <summary>True when no check failed.</summary>
    public bool Passed => Violation is null;

    /// <summary>The command that replays this seed.</summary>
    public string ReplayCommand => $"dotnet run --project tests/DKV.Simulation -c Release -- sim --seeds 1 --start-seed {Seed} --nodes {Nodes}"
        + (OperationBudget == 500 ? string.Empty : $" --ops {OperationBudget}")
        + $" --stack {(Profile.ProductionStack ? "production" : "model")}";
}
