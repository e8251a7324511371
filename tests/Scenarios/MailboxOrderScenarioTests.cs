using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>
/// With per-sender mailboxes a lock actor may grant a later request first. The correct model must not depend on
/// grant order (clean), and the knobs are still caught.
/// </summary>
public class MailboxOrderScenarioTests
{
    private static readonly RunSettings PerSender = new() { MailboxOrder = MailboxOrder.PerSender };

    [Theory]
    [InlineData("mixed")]
    [InlineData("fbdefio-v6.14")]
    public void CorrectScenariosStayCleanWhenSendersOvertakeEachOther(string scenario)
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), PerSender);
        var sum = Explorer.Explore(model, new RandomStrategy(), 0, 1000);
        Assert.Empty(sum.Findings);
        Assert.Equal(0, sum.InternalErrors);
    }

    [Fact]
    public void TheB14KnobIsCaughtAndItsReplayCommandKeepsTheMailboxOrder()
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("fbdefio-mkwrite-unlocked"), PerSender);
        var sum = Explorer.Explore(model, new RandomStrategy(), 0, 50);
        Assert.Contains(sum.Findings, f => f.Invariant == "lost-write");
        var recipe = Recipes.For(model, PerSender, StrategySpec.Random.Instance, 1);
        Assert.EndsWith(" -D stressvm.run.mailbox-order=per-sender", recipe.ReplayCommand());
        Assert.Contains("stressvm.run.mailbox-order=per-sender", recipe.ToHeader()[Recipe.Header.Settings]);
    }
}
