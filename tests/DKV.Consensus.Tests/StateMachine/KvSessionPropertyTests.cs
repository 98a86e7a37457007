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

    private static Gen<(KvCommand[] Unique, int[] Positions)> Logs() =>
        from specs in Gen.ListOf(Gen.Choose(0, 1_000_000)).Select(l => l.ToArray())
        where specs.Length > 0
        from order in Gen.Shuffle(Enumerable.Range(0, specs.Length).ToArray())
        from copies in Gen.ListOf(Gen.Zip(Gen.Choose(0, specs.Length - 1), Gen.Choose(0, 1000))).Select(l => l.ToArray())
        select Build(specs, order, copies);

    private static (KvCommand[] Unique, int[] Positions) Build(int[] specs, int[] order, (int Pick, int Offset)[] copies)
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
            unique[i] = Command(operation, key, value, client, ++sequences[client], expected: value == "0" ? "1" : "0");
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
