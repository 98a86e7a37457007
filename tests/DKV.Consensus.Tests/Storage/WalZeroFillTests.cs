using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

/// <summary>The zero fill option of the write-ahead log on the simulated disk: its limits, its cap, and turning it off.</summary>
[TestFixture]
public sealed class WalZeroFillTests
{
    [TestCase(1L)]
    [TestCase(4095L)]
    [TestCase(WalOptions.MaxZeroFillChunkBytes + 1)]
    public void Validate_ZeroFillChunkOutOfRange_ThrowsInvalidArgumentNamingTheOption(long chunk)
    {
        WalOptions options = WalTestData.Options() with { ZeroFillChunkBytes = chunk };
        var error = Assert.Throws<DkvException>(options.Validate)!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(error.Message, Does.Contain("ZeroFillChunkBytes").And.Contain(chunk.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase(0L)]
    [TestCase(4096L)]
    [TestCase(WalOptions.MaxZeroFillChunkBytes)]
    public void Validate_ZeroFillChunkInRange_Passes(long chunk) =>
        Assert.DoesNotThrow((WalTestData.Options() with { ZeroFillChunkBytes = chunk }).Validate);

    [Test]
    public void Sync_ZeroFillChunkAboveSegmentBytes_FillsOnlyToTheSegmentSize()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(1));
        WalOptions options = WalTestData.Options(segmentBytes: 8192) with { ZeroFillChunkBytes = 1024 * 1024 };
        using var wal = WriteAheadLog.Open(fs, options);
        wal.Append(1, new HardState(1, 1, 0), WalTestData.Entries(1, 2, 1));
        wal.Sync();

        string segment = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory).Single());
        Assert.That(fs.GetLength(segment), Is.EqualTo(8192));
    }

    [Test]
    public void Open_ZeroFillOff_SegmentsHoldOnlyRecordsAndReplay()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(2));
        WalOptions options = WalTestData.Options() with { ZeroFillChunkBytes = 0 };
        using (var wal = WriteAheadLog.Open(fs, options))
        {
            wal.Append(1, new HardState(1, 1, 0), WalTestData.Entries(1, 3, 1));
            wal.Sync();
        }

        string segment = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory).Single());
        byte[] data = fs.ReadAll(segment);
        Assert.That(WalTestData.RecordsEnd(data), Is.EqualTo(data.Length));
        fs.Crash();
        using var reopened = WriteAheadLog.Open(fs, options);
        Assert.That(reopened.RecoveryReport, Is.Null);
        Assert.That(reopened.Recovered[1].Entries, Has.Count.EqualTo(3));
    }

    [Test]
    public void Open_CrashAfterZeroFillBeforeData_IsACleanEndWithNothingReported()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(3));
        WalOptions options = WalTestData.Options() with { ZeroFillChunkBytes = 4096 };
        string segment;
        using (var wal = WriteAheadLog.Open(fs, options))
        {
            wal.Append(1, new HardState(1, 1, 0), WalTestData.Entries(1, 1, 1, dataBytes: 2000));
            wal.Sync();
            segment = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory).Single());

            // The next record passes the zero-filled end: the fill is written (boundary + 1), the crash hits the data write.
            fs.CrashAtBoundary = fs.BoundaryCount + 2;
            wal.Append(1, null, WalTestData.Entries(2, 1, 1, dataBytes: 3000));
            Assert.Throws<SimulatedCrashException>(wal.Sync);
        }

        fs.Crash();
        Assert.That(fs.GetLength(segment), Is.GreaterThan(4096), "part of the unsynced zero fill survived the crash");
        using var reopened = WriteAheadLog.Open(fs, options);
        Assert.That(reopened.RecoveryReport, Is.Null);
        Assert.That(reopened.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(new[] { 1UL }));
    }
}
