using System.Text.Json.Nodes;
using FluxAspire.ComfySim.History;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Queue;

/// <summary>
/// ComfyUI's PromptQueue: a heap of pending prompts, the running one, and a <c>status</c> broadcast on every change
/// (put, start, finish, delete, clear) with queue_remaining = pending + running.
/// </summary>
public sealed class PromptQueue(WebSocketHub hub, PromptHistory history)
{
    private readonly Lock _lock = new();
    private readonly List<QueueItem> _heap = [];
    private readonly List<QueueItem> _running = [];
    private readonly SemaphoreSlim _wakeUp = new(0);
    private bool _unloadModels;
    private bool _freeMemory;

    public int QueueRemaining
    {
        get { lock (_lock) { return _heap.Count + _running.Count; } }
    }

    public void Put(QueueItem item)
    {
        lock (_lock)
        {
            PythonHeap.Push(_heap, item);
            BroadcastStatus();
        }

        _wakeUp.Release();
    }

    /// <summary>Takes the next prompt (it counts as running until <see cref="TaskDone"/>), or waits for one or for a flag.</summary>
    public async Task<QueueItem?> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_unloadModels || _freeMemory)
                {
                    return null; // /free while idle applies at once, before the next prompt starts
                }

                if (_heap.Count > 0)
                {
                    var item = PythonHeap.Pop(_heap);
                    _running.Add(item);
                    BroadcastStatus();
                    return item;
                }
            }

            await _wakeUp.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Writes the history entry, then broadcasts status (the prompt no longer counts as remaining).</summary>
    public void TaskDone(QueueItem item, JsonObject outputs, JsonObject status, JsonObject meta)
    {
        lock (_lock)
        {
            _running.Remove(item);
            history.Add(item, outputs, status, meta);
            BroadcastStatus();
        }
    }

    public void WipeQueue()
    {
        lock (_lock)
        {
            _heap.Clear();
            BroadcastStatus();
        }
    }

    /// <summary>Removes the first pending item with this id; as in ComfyUI, removing the last one broadcasts twice.</summary>
    public bool Delete(string promptId)
    {
        lock (_lock)
        {
            for (var i = 0; i < _heap.Count; i++)
            {
                if (_heap[i].PromptId != promptId)
                {
                    continue;
                }

                if (_heap.Count == 1)
                {
                    _heap.Clear();
                    BroadcastStatus();
                }
                else
                {
                    _heap.RemoveAt(i);
                    PythonHeap.Heapify(_heap);
                }

                BroadcastStatus();
                return true;
            }
        }

        return false;
    }

    public bool IsRunning(string promptId)
    {
        lock (_lock) { return _running.Exists(r => r.PromptId == promptId); }
    }

    public (IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending) Snapshot()
    {
        lock (_lock) { return ([.. _running], [.. _heap]); }
    }

    public void SetFlags(bool unloadModels, bool freeMemory)
    {
        lock (_lock)
        {
            _unloadModels |= unloadModels;
            _freeMemory |= freeMemory;
        }

        _wakeUp.Release();
    }

    /// <summary>Returns and clears the /free flags (free_memory implies unload_models).</summary>
    public (bool UnloadModels, bool FreeMemory) TakeFlags()
    {
        lock (_lock)
        {
            var flags = (_unloadModels || _freeMemory, _freeMemory);
            _unloadModels = _freeMemory = false;
            return flags;
        }
    }

    public static JsonObject QueueInfo(int remaining) => new() { ["exec_info"] = new JsonObject { ["queue_remaining"] = remaining } };

    // Called under the lock so that status messages leave in the order of the changes; enqueueing never blocks.
    private void BroadcastStatus() =>
        hub.Broadcast(WsFrame.Json("status", new JsonObject { ["status"] = QueueInfo(_heap.Count + _running.Count) }));
}
