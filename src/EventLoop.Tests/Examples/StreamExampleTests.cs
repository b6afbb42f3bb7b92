using System.Reflection;

namespace Asyncio.Tests.Examples;

/// <summary>The network examples print their transcripts over real loopback sockets, on real and on virtual time.</summary>
/// <remarks>
/// <c>examples/StreamsEcho</c> is the port of the asyncio documentation's TCP echo client and
/// server; its <c>echo.expected</c> is what CPython 3.12 printed for <c>echo.py</c> beside it.
/// <c>TlsEcho</c> makes its certificate in memory. The other examples have no Python twin; their <c>.expected</c> is their own reviewed output.
/// Under virtual time the loop waits for socket operations in flight instead of reporting a deadlock.
/// </remarks>
[Collection(nameof(ConsoleCollection))]
public class StreamExampleTests
{
    public static TheoryData<string, string, string, bool> Examples()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (bool virtualTime in new[] { false, true })
        {
            data.Add("StreamsEcho", "ExampleStreamsEcho", "echo.expected", virtualTime);
            data.Add("EchoServer", "ExampleEchoServer", "EchoServer.expected", virtualTime);
            data.Add("Chat", "ExampleChat", "Chat.expected", virtualTime);
            data.Add("TlsEcho", "ExampleTlsEcho", "TlsEcho.expected", virtualTime);
            data.Add("ProtocolEcho", "ExampleProtocolEcho", "ProtocolEcho.expected", virtualTime);
            data.Add("UdpEcho", "ExampleUdpEcho", "UdpEcho.expected", virtualTime);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_PrintsItsTranscript(string name, string assemblyName, string expectedFile, bool virtualTime)
    {
        string expected = File.ReadAllText(Path.Combine(FindExamplesDirectory(), name, expectedFile));
        var entryPoint = Assembly.Load(assemblyName).EntryPoint!;
        var captured = new StringWriter { NewLine = "\n" };
        var previousOut = Console.Out;
        string? previousVariable = Environment.GetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, virtualTime ? "1" : null);
        Console.SetOut(captured);
        Exception? failure = null;
        var run = new Thread(() =>
        {
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };
        run.Start();
        try
        {
            // A bound on real time, so that a bug fails the test instead of hanging the run.
            Assert.True(run.Join(TimeSpan.FromSeconds(30)), $"{name} did not finish within 30 s");
            Assert.Null(failure);
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, previousVariable);
        }

        Assert.Equal(expected, captured.ToString());
    }

    private static string FindExamplesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "examples", "StreamsEcho");
            if (Directory.Exists(candidate))
                return Path.Combine(dir.FullName, "examples");
        }
        throw new DirectoryNotFoundException("examples/ not found above " + AppContext.BaseDirectory);
    }
}
