using DKV.Testing.Infrastructure;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Formats;
using DKV.Testing.Linearizability.Models;

namespace DKV.Consensus.Tests.Checker;

/// <summary>The checker reaches the known verdict on real Jepsen/Porcupine histories nobody here wrote (Histories/README.md).</summary>
[TestFixture]
public sealed class CheckerHistoryFileTests
{
    private static readonly CheckOptions s_options = new() { Timeout = TimeSpan.FromSeconds(20), MaxStepsPerPartition = long.MaxValue };

    private static string HistoriesFolder => Path.Combine(RepositoryRoot.Find(), "tests", "DKV.Consensus.Tests", "Histories");

    public static IEnumerable<TestCaseData> JepsenEtcdCases()
    {
        string folder = Path.Combine(HistoriesFolder, "jepsen-etcd");
        foreach (string line in File.ReadLines(Path.Combine(folder, "verdicts.txt")).Where(l => l.Length > 0))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            yield return new TestCaseData(parts[0], parts[1] == "linearizable").SetArgDisplayNames(parts[0]);
        }
    }

    [TestCaseSource(nameof(JepsenEtcdCases))]
    [CancelAfter(30_000)]
    public void Check_JepsenEtcdHistory_MatchesKnownVerdict(string file, bool linearizable, CancellationToken cancellation)
    {
        var ops = JepsenEtcdLog.ParseFile(Path.Combine(HistoriesFolder, "jepsen-etcd", file));
        CheckResult result = LinearizabilityChecker.Check(RegisterModel.Instance, ops, s_options, cancellation);
        Assert.That(result.Verdict, Is.EqualTo(linearizable ? CheckVerdict.Linearizable : CheckVerdict.NotLinearizable), result.Explain());
    }

    [TestCase("c01-ok.txt", true)]
    [TestCase("c01-bad.txt", false)]
    [TestCase("c10-ok.txt", true)]
    [TestCase("c10-bad.txt", false)]
    [CancelAfter(30_000)]
    public void Check_KvAppendHistory_MatchesKnownVerdict(string file, bool linearizable, CancellationToken cancellation)
    {
        var ops = KvAppendLog.ParseFile(Path.Combine(HistoriesFolder, "kv-append", file));
        CheckResult result = LinearizabilityChecker.Check(AppendModel.Instance, ops, s_options, cancellation);
        Assert.That(result.Verdict, Is.EqualTo(linearizable ? CheckVerdict.Linearizable : CheckVerdict.NotLinearizable), result.Explain());
        Assert.That(result.PartitionCount, Is.GreaterThan(1), "kv-append histories are checked per key");
    }

    [Test]
    public void Check_AllJepsenEtcdHistories_VerdictsCoverBothOutcomes()
    {
        var verdicts = JepsenEtcdCases().Select(c => (bool)c.Arguments[1]!).ToList();
        Assert.That(verdicts, Has.Count.EqualTo(81));
        Assert.That(verdicts.Count(v => v), Is.EqualTo(18));
    }

    [Test]
    public void Check_ViolatingHistory_NamesPartitionAndLongestPrefix()
    {
        var ops = KvAppendLog.ParseFile(Path.Combine(HistoriesFolder, "kv-append", "c01-bad.txt"));
        CheckResult result = LinearizabilityChecker.Check(AppendModel.Instance, ops, s_options);
        Assert.That(result.Partition, Is.EqualTo("7"));
        Assert.That(result.LongestPrefix, Is.Not.Empty);
        Assert.That(result.Blocked, Does.Contain("get(7)"));
        Assert.That(result.Explain(), Does.StartWith("not linearizable: partition '7'"));
    }
}
