using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells each timer created on it (a Task.Delay, a Polly retry's wait) and for how
/// long, so a test moves the clock only once the code under test waits on it, and sees every wait it chose.
/// </summary>
public sealed class WatchedClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created; throws when none comes within 10 s (real time).</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _timers.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no timer was created on the clock within 10 s");
        }
    }

    /// <summary>Waits for the next timer, moves the clock to its due time and returns that wait.</summary>
    public async Task<TimeSpan> ElapseNextTimerAsync()
    {
        var due = await NextTimerAsync();
        Advance(due);
        return due;
    }

    /// <summary>Moves the clock through every timer created until <paramref name="done"/> completes (at most 30 s real
    /// time) and returns their waits.</summary>
    public async Task<List<TimeSpan>> ElapseTimersUntilAsync(Task done)
    {
        var waits = new List<TimeSpan>();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(giveUp.Token);
        _ = done.ContinueWith(_ =>
        {
            try
            {
                finished.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the loop saw the work done first
            }
        }, TaskScheduler.Default);
        try
        {
            while (!done.IsCompleted)
            {
                var due = await _timers.Reader.ReadAsync(finished.Token);
                waits.Add(due);
                Advance(due);
            }
        }
        catch (OperationCanceledException) when (!giveUp.IsCancellationRequested)
        {
        }

        return giveUp.IsCancellationRequested ? throw new TimeoutException("the timed work did not finish within 30 s") : waits;
    }

    /// <summary>True when a timer was created and not yet taken by <see cref="NextTimerAsync"/>.</summary>
    public bool HasPendingTimer => _timers.Reader.Count > 0;
}
