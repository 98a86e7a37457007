namespace DKV.Testing.Linearizability;

/// <summary>The verdict for a whole history, with an explanation when it is not linearizable or unknown.</summary>
/// <param name="Verdict">The answer.</param>
/// <param name="Partition">The partition (key) that failed or ran out of budget; null when linearizable.</param>
/// <param name="LongestPrefix">
/// For a violation: the longest sequence of that partition's operations found to be linearizable, in linearization order,
/// each with the state after it. Empty otherwise.
/// </param>
/// <param name="Blocked">For a violation: the operation that could not be placed after the longest prefix (its response came first).</param>
/// <param name="PartitionCount">How many partitions the history had.</param>
/// <param name="OperationCount">How many operations were checked.</param>
/// <param name="Steps">Search steps taken over all partitions.</param>
public sealed record CheckResult(
    CheckVerdict Verdict,
    string? Partition,
    IReadOnlyList<string> LongestPrefix,
    string? Blocked,
    int PartitionCount,
    int OperationCount,
    long Steps)
{
    /// <summary>True only for <see cref="CheckVerdict.Linearizable"/>.</summary>
    public bool IsLinearizable => Verdict == CheckVerdict.Linearizable;

    /// <summary>A few lines saying what failed and where; "linearizable" when nothing did.</summary>
    public string Explain(int maxPrefixLines = 20)
    {
        if (Verdict == CheckVerdict.Linearizable)
        {
            return $"linearizable ({OperationCount} operations, {PartitionCount} partitions, {Steps} steps)";
        }

        if (Verdict == CheckVerdict.Unknown)
        {
            return $"unknown: budget exhausted on partition '{Partition}' after {Steps} steps; shrink the history (fewer operations per key) or raise CheckOptions budgets";
        }

        var lines = new List<string>
        {
            $"not linearizable: partition '{Partition}'; longest linearizable prefix has {LongestPrefix.Count} operations; then no order explains: {Blocked}",
        };
        int skip = Math.Max(0, LongestPrefix.Count - maxPrefixLines);
        if (skip > 0)
        {
            lines.Add($"  ... {skip} earlier operations");
        }

        lines.AddRange(LongestPrefix.Skip(skip).Select(step => "  " + step));
        return string.Join(Environment.NewLine, lines);
    }
}
