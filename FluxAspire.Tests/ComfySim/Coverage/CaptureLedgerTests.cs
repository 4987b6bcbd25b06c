using System.Reflection;

namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>Issue 2's "the contract tests cover every captured case", kept true as probe.json or the tests change.</summary>
public sealed class CaptureLedgerTests
{
    [Fact]
    public void EveryCaptureIsReplayed()
    {
        var captured = Captures.All.Select(r => (string)r["kind"]!).ToList();

        Assert.Equal(captured.Count, captured.Distinct().Count());
        var unlisted = captured.Where(kind => !CaptureLedger.Kinds.ContainsKey(kind)).ToList();
        Assert.True(unlisted.Count == 0, "captured kinds no test replays (add a test and list it in CaptureLedger): " + string.Join(", ", unlisted));
        var stale = CaptureLedger.Kinds.Keys.Where(kind => !captured.Contains(kind)).ToList();
        Assert.True(stale.Count == 0, "ledger kinds that probe.json no longer has: " + string.Join(", ", stale));
        foreach (var (kind, entry) in CaptureLedger.Kinds)
        {
            Assert.True(entry.Tests.Length > 0 != (entry.Exclusion is not null), $"{kind}: list tests or give a reason, not both");
        }
    }

    [Fact]
    public void Every_ledger_test_exists_as_a_fact_or_theory()
    {
        var tests = typeof(CaptureLedgerTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
                .Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet();

        var missing = CaptureLedger.Kinds.SelectMany(p => p.Value.Tests.Where(test => !tests.Contains(test)).Select(test => $"{p.Key} -> {test}")).ToList();
        Assert.True(missing.Count == 0, "ledger names tests that do not exist: " + string.Join(", ", missing));
    }
}
