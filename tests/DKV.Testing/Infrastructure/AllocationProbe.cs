namespace DKV.Testing.Infrastructure;

/// <summary>Measures what a steady-state loop allocates on the calling thread.</summary>
/// <remarks>
/// A one-off allocation by the runtime (an ArrayPool bucket trimmed by a gen-2 GC that a parallel test caused, a tier-up stub)
/// is not the code under test's; an allocation per operation shows in every trial. So the least of a few trials is the figure.
/// </remarks>
public static class AllocationProbe
{
    /// <summary>Runs <paramref name="body"/> up to <paramref name="trials"/> times; returns the fewest bytes one run allocated.</summary>
    public static long LeastOf(int trials, Action body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentNullException.ThrowIfNull(body);
        long least = long.MaxValue;
        for (int trial = 0; trial < trials && least > 0; trial++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
