namespace MailStack.Tests.Infrastructure;

/// <summary>
/// Tests that change what every other test sees (purging a shared sink) join this collection:
/// xUnit runs it after all the others, with nothing beside it.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
