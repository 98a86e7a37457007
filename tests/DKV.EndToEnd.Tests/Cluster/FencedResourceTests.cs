using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>The fencing-token resource flags exactly the unsafe cases (planted here, since a correct lock never produces them).</summary>
public sealed class FencedResourceTests
{
    [Test]
    public void Enter_GrowingTokensOneHolderAtATime_NoViolation()
    {
        var resource = new FencedResource();

        Assert.That(resource.Enter("a", 5), Is.True);
        resource.Exit("a", 5);
        Assert.That(resource.Enter("b", 9), Is.True);
        resource.Exit("b", 9);

        Assert.That(resource.Violations, Is.Empty);
        Assert.That(resource.AcceptedCount, Is.EqualTo(2));
        Assert.That(resource.HighestToken, Is.EqualTo(9));
    }

    [TestCase(9UL)]
    [TestCase(3UL)]
    public void Enter_TokenNotAboveHighest_RejectedAndRecorded(ulong token)
    {
        var resource = new FencedResource();
        resource.Enter("a", 9);
        resource.Exit("a", 9);

        bool accepted = resource.Enter("b", token);

        Assert.That(accepted, Is.False);
        Assert.That(resource.Violations.Single(), Does.Contain("not above the highest seen (9 by a)"));
    }

    [Test]
    public void Enter_WhileAnotherHolderInside_RecordsOverlap()
    {
        var resource = new FencedResource();
        resource.Enter("a", 5);

        resource.Enter("b", 6);

        Assert.That(resource.Violations.Single(), Does.Contain("b (token 6) entered while a (token 5) was still inside"));
    }

    [Test]
    public void Exit_ByHolderOverlappedEarlier_DoesNotClearTheNewHolder()
    {
        var resource = new FencedResource();
        resource.Enter("a", 5);
        resource.Enter("b", 6);

        resource.Exit("a", 5);
        resource.Enter("c", 7);

        Assert.That(resource.Violations, Has.Count.EqualTo(2), string.Join("\n", resource.Violations));
    }
}
