using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// ComfyUI's ExecutionList (comfy_execution/graph.py), ported step for step so nodes run in the same order: the output
/// nodes' uncached ancestors are collected depth-first, and among the ready nodes the pick prefers an output node,
/// then a node that directly feeds one, then one two links away, else the first ready node in discovery order.
/// For the FLUX graph this gives 30, 27, 33, 6, 35, 31, 8, 9.
/// </summary>
public sealed class ExecutionList(JsonObject graph, Func<string, bool> isCached, Func<string, bool> isOutputNode)
{
    // Python dicts keep insertion order; these lists/maps mirror pendingNodes, blockCount and blocking.
    private readonly List<string> _pending = [];
    private readonly HashSet<string> _pendingSet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _blockCount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _blocking = new(StringComparer.Ordinal);

    public bool IsEmpty => _pending.Count == 0;

    public void AddNode(string uniqueId)
    {
        var nodeIds = new List<string> { uniqueId };
        var links = new List<(string From, string To)>();
        while (nodeIds.Count > 0)
        {
            var id = nodeIds[^1];
            nodeIds.RemoveAt(nodeIds.Count - 1);
            if (!_pendingSet.Add(id))
            {
                continue;
            }

            _pending.Add(id);
            _blockCount[id] = 0;
            _blocking[id] = [];
            foreach (var (_, value) in GraphLinks.Inputs(graph, id))
            {
                if (GraphLinks.TryGetLink(value, out var from, out _))
                {
                    if (!isCached(from))
                    {
                        nodeIds.Add(from);
                    }

                    links.Add((from, id));
                }
            }
        }

        foreach (var (from, to) in links)
        {
            // add_strong_link: only uncached sources block.
            if (isCached(from))
            {
                continue;
            }

            AddNode(from);
            if (!_blocking[from].Contains(to))
            {
                _blocking[from].Add(to);
                _blockCount[to]++;
            }
        }
    }

    /// <summary>The next node to run, or null with <paramref name="cycle"/> set when nothing is ready (a cycle).</summary>
    public string? Stage(out IReadOnlyList<string> cycle)
    {
        cycle = [];
        var available = _pending.Where(id => _blockCount[id] == 0).ToList();
        if (available.Count == 0)
        {
            cycle = NodesInCycle();
            return null;
        }

        return Pick(available);
    }

    public void Complete(string nodeId)
    {
        _pending.Remove(nodeId);
        _pendingSet.Remove(nodeId);
        foreach (var blocked in _blocking[nodeId])
        {
            _blockCount[blocked]--;
        }

        _blocking.Remove(nodeId);
    }

    private string Pick(List<string> available)
    {
        foreach (var id in available)
        {
            if (isOutputNode(id)) return id;
        }

        foreach (var id in available)
        {
            if (_blocking[id].Any(isOutputNode)) return id;
        }

        foreach (var id in available)
        {
            if (_blocking[id].Exists(blocked => _blocking.TryGetValue(blocked, out var next) && next.Any(isOutputNode))) return id;
        }

        return available[0];
    }

    private List<string> NodesInCycle()
    {
        var blockedBy = _pending.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (from, targets) in _blocking)
        {
            foreach (var to in targets)
            {
                blockedBy[to].Add(from);
            }
        }

        var order = new List<string>(_pending);
        while (true)
        {
            var toRemove = order.Where(id => blockedBy[id].Count == 0).ToList();
            if (toRemove.Count == 0) break;
            foreach (var id in toRemove)
            {
                foreach (var set in blockedBy.Values) set.Remove(id);
                blockedBy.Remove(id);
                order.Remove(id);
            }
        }

        return order;
    }
}
