namespace FluxAspire.ComfySim.Queue;

/// <summary>
/// Python's heapq on a list, step for step, so GET /queue lists pending prompts in the same internal order as ComfyUI.
/// </summary>
internal static class PythonHeap
{
    public static void Push(List<QueueItem> heap, QueueItem item)
    {
        heap.Add(item);
        SiftDown(heap, 0, heap.Count - 1);
    }

    public static QueueItem Pop(List<QueueItem> heap)
    {
        var last = heap[^1];
        heap.RemoveAt(heap.Count - 1);
        if (heap.Count == 0)
        {
            return last;
        }

        var top = heap[0];
        heap[0] = last;
        SiftUp(heap, 0);
        return top;
    }

    public static void Heapify(List<QueueItem> heap)
    {
        for (var i = heap.Count / 2 - 1; i >= 0; i--)
        {
            SiftUp(heap, i);
        }
    }

    // heapq._siftdown: move the item at pos up towards startpos while it is smaller than its parent.
    private static void SiftDown(List<QueueItem> heap, int startPos, int pos)
    {
        var newItem = heap[pos];
        while (pos > startPos)
        {
            var parentPos = (pos - 1) >> 1;
            var parent = heap[parentPos];
            if (newItem.CompareTo(parent) < 0)
            {
                heap[pos] = parent;
                pos = parentPos;
                continue;
            }

            break;
        }

        heap[pos] = newItem;
    }

    // heapq._siftup: bubble the smaller child up until hitting a leaf, then sift the item down into place.
    private static void SiftUp(List<QueueItem> heap, int pos)
    {
        var endPos = heap.Count;
        var startPos = pos;
        var newItem = heap[pos];
        var childPos = 2 * pos + 1;
        while (childPos < endPos)
        {
            var rightPos = childPos + 1;
            if (rightPos < endPos && !(heap[childPos].CompareTo(heap[rightPos]) < 0))
            {
                childPos = rightPos;
            }

            heap[pos] = heap[childPos];
            pos = childPos;
            childPos = 2 * pos + 1;
        }

        heap[pos] = newItem;
        SiftDown(heap, startPos, pos);
    }
}
