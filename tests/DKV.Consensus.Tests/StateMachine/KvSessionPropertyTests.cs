using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Consensus.Tests.Core;
using DKV.Core.Stores;
using FsCheck;
using FsCheck.Fluent;
using static DKV.Consensus.Tests.StateMachine.SessionTestData;

namespace DKV.Consensus.Tests.StateMachine;

/// <summary>
/// At-most-once as a property: a log in which every client write appears one or more times, in any interleaving, leaves the same
/// state and gives every copy the same outcome as the log of first occurrences alone.
/// </summary>
public sealed class KvSessionPropertyTests
{
    private static readonly string[] s_keys = ["k0", "k1", "k2"];

    private static readonly KvOperation[] s_operations =
        [KvOperation.Set, KvOperation.SetEIfUnset, KvOperation.CompareAndSetE, KvOperation.Delete, KvOperation.CompareAndDelete];

    [Test]
    public void Apply_DuplicatesInAnyInterleaving_SameStateAndOutcomesAsUniqueApplication()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Logs().ToArbitrary(), log => Holds(log.Unique, log.Positions)));
    }

    [Test]
    public void Snapshot_AtAnyPointOfADuplicatedLog_RestoredMachineGivesTheSameOutcomesAfterwards()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Logs(withAcknowledgements: true).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (log, cut) =>
        {
            // Tight bounds, so forgetting (by acknowledgement and by the per-session bound) is part of what the snapshot carries.
            var options = new KvSessionOptions { MaxResultsPerSession = 2, MaxSessions = 2 };
            var straight = new KvStateMachine(new DictionaryKvdb(), options);
            var before = new KvStateMachine(new DictionaryKvdb(), options);
            int split = cut % (log.Positions.Length + 1);
            for (int i = 0; i < split; i++)
            {
                straight.Apply(Entry((ulong)i + 1, log.Unique[log.Positions[i]]));
                before.Apply(Entry((ulong)i + 1, log.Unique[log.Positions[i]]));
            }

            using var image = new MemoryStream();
            before.SaveSnapshot(image);
            image.Position = 0;
            var restored = new KvStateMachine(new DictionaryKvdb(), options);
            restored.RestoreSnapshot(image);
            for (int i = split; i < log.Positions.Length; i++)
            {
                LogEntry entry = Entry((ulong)i + 1, log.Unique[log.Positions[i]]);
                if (straight.Apply(entry) != restored.Apply(entry))
                {
                    return false;
                }
            }

            return straight.SessionCount == restored.SessionCount && s_keys.All(k => Value(straight, k) == Value(restored, k));
        }));
    }

    [Test]
    public void Apply_PlantedReapplication_PropertyFails()
    {
        // Style rule 18: the same check must catch a machine that re-applies duplicates (a session-less machine does exactly that).
        KvCommand[] unique = [IfUnset("k0", "a", 1, 1), Command(KvOperation.Delete, "k0", "", 2, 1)];
        int[] positions = [0, 1, 0];
        Assert.That(Holds(unique, positions, clientIdsVisible: false), Is.False);
        Assert.That(Holds(unique, positions), Is.True);
    }

    private static bool Holds(KvCommand[] unique, int[] positions, bool clientIdsVisible = true)
    {
        var reference = new KvStateMachine(new DictionaryKvdb());
        var firstOutcome = new WriteResult[unique.Length];
        var firstIndex = new ulong[unique.Length];
        ulong index = 0;
        foreach (int i in positions.Distinct())
        {
            firstOutcome[i] = reference.Apply(Entry(++index, unique[i]));
        }

        var machine = new KvStateMachine(new DictionaryKvdb());
        index = 0;
        foreach (int i in positions)
        {
            index++;
            KvCommand command = clientIdsVisible ? unique[i] : unique[i] with { ClientId = 0 };
            WriteResult result = machine.Apply(Entry(index, command));
            if (firstIndex[i] == 0)
            {
                firstIndex[i] = index;
            }

            if (result != new WriteResult(firstOutcome[i].Applied, firstIndex[i]))
            {
                return false;
            }
        }

        return s_keys.All(k => Value(machine, k) == Value(reference, k));
    }

    private static Gen<(KvCommand[] Unique, int[] Positions)> Logs(bool withAcknowledgements = false) =>
        from specs in Gen.ListOf(Gen.Choose(0, 1_000_000)).Select(l => l.ToArray())
        where specs.Length > 0
        from order in Gen.Shuffle(Enumerable.Range(0, specs.Length).ToArray())
        from copies in Gen.ListOf(Gen.Zip(Gen.Choose(0, specs.Length - 1), Gen.Choose(0, 1000))).Select(l => l.ToArray())
        select Build(specs, order, copies, withAcknowledgements);

    private static (KvCommand[] Unique, int[] Positions) Build(int[] specs, int[] order, (int Pick, int Offset)[] copies, bool withAcknowledgements)
    {
        var sequences = new ulong[4];
        var unique = new KvCommand[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            int spec = specs[i];
            ulong client = (ulong)(1 + (spec % 3));
            KvOperation operation = s_operations[spec / 3 % s_operations.Length];
            string key = s_keys[spec / 15 % s_keys.Length];
            string value = ((spec / 45) % 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            ulong sequence = ++sequences[client];
            ulong acknowledged = withAcknowledgements && spec % 7 < 3 ? sequence : 0;
            unique[i] = Command(operation, key, value, client, sequence, acknowledged, expected: value == "0" ? "1" : "0");
        }

        // First occurrences in a shuffled order (a client's window may reach the log out of sequence order), then each copy is
        // inserted somewhere after the original it repeats.
        var positions = new List<int>(order);
        foreach ((int pick, int offset) in copies)
        {
            int first = positions.IndexOf(pick);
            positions.Insert(first + 1 + (offset % (positions.Count - first)), pick);
        }

        return (unique, positions.ToArray());
    }
}
