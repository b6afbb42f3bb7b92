using CsCheck;

namespace Asyncio.Tests.Reliability;

/// <summary>Runs a CsCheck property over a fixed, reproducible set of seeds, then shrinks a failure.</summary>
/// <remarks>
/// CsCheck's <c>seed:</c> argument fixes only the first iteration, so CI would see different
/// programs on each run. Here program <c>i</c> is generated from <c>new PCG(stream, baseSeed + i)</c>:
/// the same programs every run. When one fails, CsCheck's <c>Sample</c> is started from that
/// program's seed, so the report is the shrunk (smallest) failing program with its seed.
/// </remarks>
internal static class SeededProperty
{
    public static int Check<T>(Gen<T> gen, Action<T> property, int count, ulong baseSeed, Func<T, string> print, uint stream = 7)
    {
        for (int i = 0; i < count; i++)
        {
            var pcg = new PCG(stream, baseSeed + (ulong)i);
            string seed = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            try
            {
                property(value);
            }
            catch (Exception first)
            {
                // Shrink from the failing seed; Sample throws with the smallest failing case.
                try
                {
                    gen.Sample(property, seed: seed, iter: 2000, threads: 1, print: print);
                }
                catch (Exception shrunk)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"program {i} (seed {seed}) failed: {first.Message}\nshrunk by CsCheck:\n{shrunk.Message}\n\nfirst failing program:\n{print(value)}");
                }
                throw new Xunit.Sdk.XunitException($"program {i} (seed {seed}) failed:\n{print(value)}\n{first}");
            }
        }
        return count;
    }
}
