namespace MailStack.Proxy.UnitTests.Model;

public sealed class SuspendSetTests
{
    [Fact]
    public void No_batch_code_targets_the_whole_tenant()
    {
        Assert.Equal("*", SuspendSet.Target(null));
        Assert.Equal("*", SuspendSet.Target(""));
        Assert.Equal("b1", SuspendSet.Target("b1"));
    }

    [Fact]
    public void Suspending_adds_a_batch_once_and_the_whole_tenant_replaces_every_batch()
    {
        Assert.Equal(["b1"], SuspendSet.Suspend([], "b1"));
        Assert.Equal(["b1", "b2"], SuspendSet.Suspend(["b1"], "b2"));
        Assert.Equal(["b1"], SuspendSet.Suspend(["b1"], "b1"));
        Assert.Equal(["*"], SuspendSet.Suspend(["b1", "b2"], "*"));
        Assert.Equal(["*"], SuspendSet.Suspend(["*"], "b3"));
    }

    [Fact]
    public void Activating_removes_a_batch_or_everything_and_refuses_one_batch_of_a_wholly_suspended_tenant()
    {
        Assert.Equal(["b2"], SuspendSet.Activate(["b1", "b2"], "b1")!);
        Assert.Equal([], SuspendSet.Activate(["b1"], "b1")!);
        Assert.Equal(["b1"], SuspendSet.Activate(["b1"], "missing")!);
        Assert.Equal([], SuspendSet.Activate(["*"], "*")!);
        Assert.Null(SuspendSet.Activate(["*"], "b1"));
    }

    [Fact]
    public void A_message_is_held_by_its_batch_or_by_the_whole_tenant()
    {
        Assert.True(SuspendSet.Holds(["*"], null));
        Assert.True(SuspendSet.Holds(["b1"], "b1"));
        Assert.False(SuspendSet.Holds(["b1"], "b2"));
        Assert.False(SuspendSet.Holds(["b1"], null));
        Assert.False(SuspendSet.Holds([], "b1"));
    }
}
