using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

/// <summary>
/// Runs a seeded script of appends, snapshot markers and syncs on the simulated disk, crashes at every write, fsync and name
/// boundary in turn (with and without torn tails), recovers, and checks that the recovered state equals the script's state after
/// exactly m whole records, for some m between the records synced before the crash and the records appended: every synced record
/// survives, and no torn or partial record is accepted.
/// </summary>
[TestFixture]
public sealed class WalCrashPointTests
{
    [Test]
    [CancelAfter(60_000)]
    public void Recover_CrashAtEveryBoundary_KeepsSyncedRecordsAndAcceptsNoTornOnes(
        [Values(1UL, 2UL, 3UL, 4UL, 5UL, 6UL)] ulong seed, [Values(true, false)] bool tear)
    {
        List<WalScript.Step> script = WalScript.Generate(seed, steps: 80);
        var dryRun = new SimulatedWalFileSystem(new SeededRandomSource(seed));
        Assert.That(Run(dryRun, script, out _, out _), Is.False);
        long boundaries = dryRun.BoundaryCount;
        Assert.That(boundaries, Is.GreaterThan(30), "the script must exercise many boundaries");

        int zeroTails = 0;
        int tornOverZeroFill = 0;
        for (long k = 1; k <= boundaries; k++)
        {
            var fs = new SimulatedWalFileSystem(new SeededRandomSource(seed * 1000 + (ulong)k)) { TearUnsyncedTails = tear, CrashAtBoundary = k };
            Assert.That(Run(fs, script, out int synced, out int appended), Is.True, $"seed {seed}: boundary {k} did not crash");
            fs.Crash();
            bool zeroTail = WalTestData.LastSegmentEndsInZeroFill(fs);
            zeroTails += zeroTail ? 1 : 0;
            int matched = FindMatchingPrefix(fs, script, synced, appended, out string recovered, out bool torn);
            tornOverZeroFill += zeroTail && torn ? 1 : 0;
            Assert.That(matched, Is.GreaterThanOrEqualTo(0),
                $"seed {seed}, tear {tear}, crash at boundary {k}: recovered state matches no record prefix in [{synced}, {appended}]; " +
                $"got {recovered}; synced prefix is {string.Join(" | ", WalScript.Model(script, synced).Values)}");

            // The recovered log must accept new writes after the cut, and keep both across another restart.
            using (var wal = WriteAheadLog.Open(fs, Options))
            {
                wal.Append(99, new HardState(1, 0, 0), WalTestData.Entries(1, 1, 1));
                wal.Sync();
            }

            fs.Crash();
            using var again = WriteAheadLog.Open(fs, Options);
            Assert.That(again.Recovered.ContainsKey(99), Is.True, $"seed {seed}, boundary {k}: write after recovery lost");
            var expected = WalScript.Model(script, matched);
            foreach (KeyValuePair<ulong, string> group in expected)
            {
                Assert.That(WalScript.Describe(again.Recovered, group.Key), Is.EqualTo(group.Value),
                    $"seed {seed}, boundary {k}: state changed across the second restart");
            }
        }

        Assert.That(zeroTails, Is.GreaterThan(0), "some crashes must leave the last segment ending in zero fill");
        Assert.That(tornOverZeroFill, tear ? Is.GreaterThan(0) : Is.Zero,
            "torn records inside the zero fill must occur exactly when unsynced writes may partly survive");
    }

    /// <summary>
    /// Pages of unsynced writes land in any order (zeros, then garbage, then zeros inside the zero fill): recovery either gives a
    /// whole-record prefix that keeps every synced record, or stops with Corrupt when a lost page lies before a whole record of
    /// the same write (a zeroed header followed by a valid record); it never accepts a torn record or drops a synced one.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public void Recover_CrashWithPagesLandingInAnyOrder_KeepsSyncedRecordsOrStopsAsCorrupt([Values(1UL, 2UL, 3UL)] ulong seed)
    {
        List<WalScript.Step> script = WalScript.Generate(seed, steps: 80);
        var dryRun = new SimulatedWalFileSystem(new SeededRandomSource(seed));
        Assert.That(Run(dryRun, script, out _, out _), Is.False);
        int torn = 0;
        for (long k = 1; k <= dryRun.BoundaryCount; k++)
        {
            var fs = new SimulatedWalFileSystem(new SeededRandomSource(seed * 7919 + (ulong)k)) { TornPageBytes = 64, CrashAtBoundary = k };
            Assert.That(Run(fs, script, out int synced, out int appended), Is.True, $"seed {seed}: boundary {k} did not crash");
            fs.Crash();
            try
            {
                int matched = FindMatchingPrefix(fs, script, synced, appended, out string recovered, out bool cut);
                Assert.That(matched, Is.GreaterThanOrEqualTo(0),
                    $"seed {seed}, crash at boundary {k}: recovered state matches no record prefix in [{synced}, {appended}]; got {recovered}");
                torn += cut ? 1 : 0;
            }
            catch (DkvException error) when (error.Code == DkvErrorCode.Corrupt)
            {
                Assert.That(error.Message, Does.Contain("a valid record follows it"), $"seed {seed}, boundary {k}");
            }
        }

        Assert.That(torn, Is.GreaterThan(0), "some crashes must leave torn pages that recovery cuts");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Recover_PlantedSkipFsync_CheckerReportsLostSyncedRecords()
    {
        List<WalScript.Step> script = WalScript.Generate(1, steps: 80);
        int violations = 0;
        for (long k = 1; k <= 60; k++)
        {
            var fs = new SimulatedWalFileSystem(new SeededRandomSource((ulong)k)) { CrashAtBoundary = k };
            if (!Run(fs, script, out int synced, out int appended, WalPlantedBug.SkipFsync))
            {
                break;
            }

            fs.Crash();
            try
            {
                violations += FindMatchingPrefix(fs, script, synced, appended, out _, out _) < 0 ? 1 : 0;
            }
            catch (DkvException error) when (error.Code == DkvErrorCode.Corrupt)
            {
                // Losing an unsynced earlier segment is also caught, by the open itself.
                violations++;
            }
        }

        Assert.That(violations, Is.GreaterThan(0), "the checker must catch a WAL that does not fsync");
    }

    private static WalOptions Options => WalTestData.Options(segmentBytes: 4096);

    /// <summary>Runs the script; true when the disk crashed. Counts records synced and appended before the crash.</summary>
    private static bool Run(SimulatedWalFileSystem fs, List<WalScript.Step> script, out int synced, out int appended,
        WalPlantedBug bug = WalPlantedBug.None)
    {
        synced = 0;
        appended = 0;
        WriteAheadLog? wal = null;
        try
        {
            wal = WriteAheadLog.Open(fs, Options);
            wal.PlantedBug = bug;
            foreach (WalScript.Step step in script)
            {
                if (step.IsSync)
                {
                    wal.Sync();
                    synced = appended;
                }
                else
                {
                    step.AppendTo(wal);
                    appended += step.RecordCount;
                }
            }

            return false;
        }
        catch (SimulatedCrashException)
        {
            return true;
        }
        finally
        {
            wal?.Dispose();
        }
    }

    /// <summary>The m in [synced, appended] whose record prefix the recovered state equals, or -1 when none does.</summary>
    private static int FindMatchingPrefix(SimulatedWalFileSystem fs, List<WalScript.Step> script, int synced, int appended,
        out string recovered, out bool torn)
    {
        using var wal = WriteAheadLog.Open(fs, Options);
        torn = wal.RecoveryReport is not null;
        var groups = new HashSet<ulong>(wal.Recovered.Keys);
        recovered = string.Join(" | ", groups.Select(g => WalScript.Describe(wal.Recovered, g)));
        for (int m = appended; m >= synced; m--)
        {
            Dictionary<ulong, string> model = WalScript.Model(script, m);
            if (groups.IsSubsetOf(model.Keys) && model.All(g => WalScript.Describe(wal.Recovered, g.Key) == g.Value))
            {
                return m;
            }
        }

        return -1;
    }
}
