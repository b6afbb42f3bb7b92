namespace Asyncio.Tests.Core;

/// <summary>The tests that set <see cref="EventLoopOptions.SelectorVariable"/> in the process: alone, lest a loop of a parallel test lose its selector.</summary>
[CollectionDefinition(nameof(SelectorVariableCollection), DisableParallelization = true)]
public sealed class SelectorVariableCollection;

/// <summary><see cref="EventLoopOptions.SelectorVariable"/> gives <see cref="EventLoopOptions.UseSelector"/> its default, for loops given options too.</summary>
[Collection(nameof(SelectorVariableCollection))]
public sealed class SelectorVariableTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("1", true)]
    [InlineData("epoll", true)]
    [InlineData("0", false)]
    [InlineData(" 0 ", false)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    public void SelectorAllowed_VariableValue_OnlyZeroOrFalseTurnsItOff(string? value, bool allowed) =>
        Assert.Equal(allowed, EventLoopOptions.SelectorAllowed(value));

    private static void WithVariable(string? value, Action body)
    {
        string? previous = Environment.GetEnvironmentVariable(EventLoopOptions.SelectorVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.SelectorVariable, value);
        try
        {
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(EventLoopOptions.SelectorVariable, previous);
        }
    }

    [Fact]
    public void UseSelector_VariableZero_IsTheDefaultOfOptionsAndLoopsMakeNoSelector()
    {
        WithVariable("0", () =>
        {
            var options = new EventLoopOptions { VirtualTime = true };
            Assert.False(options.UseSelector);
            Assert.False(EventLoopOptions.FromEnvironment().UseSelector);
            using var loop = new EventLoop(options);
            Assert.Null(loop.Selector);
            Assert.Throws<PlatformNotSupportedException>(() => loop.AddReader(0, () => { }));
        });
    }

    [Fact]
    public void UseSelector_VariableUnset_DefaultsToOn()
    {
        WithVariable(null, () =>
        {
            var options = new EventLoopOptions { VirtualTime = true };
            Assert.True(options.UseSelector);
            using var loop = new EventLoop(options);
            Assert.Equal(OperatingSystem.IsLinux(), loop.Selector is not null);
        });
    }

    [Fact]
    public void UseSelector_SetInTheOptions_WinsOverTheVariable()
    {
        WithVariable("0", () => Assert.True(new EventLoopOptions { UseSelector = true }.UseSelector));
        WithVariable(null, () => Assert.False(new EventLoopOptions { UseSelector = false }.UseSelector));
    }
}
