using System.Globalization;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;

namespace Command.Grains.Cases;

/// <summary>Hands out case codes (一案一码) for one county: {county}-{yyyyMMdd}-{sequence}, the sequence restarting daily.</summary>
public interface ICaseNumberGrain : IGrainWithStringKey
{
    Task<string> NextAsync();
}

public sealed class CaseNumberState
{
    public DateOnly Day { get; set; }

    /// <summary>Every number up to this one may have been handed out (a restart skips the rest of the block).</summary>
    public int Reserved { get; set; }
}

/// <summary>
/// Numbers come from blocks reserved durably ahead of use, so most codes cost no write, and a restart never repeats a
/// code (it only skips what was left of the block).
/// </summary>
internal sealed class CaseNumberGrain([PersistentState("case-numbers")] IPersistentState<CaseNumberState> state, TimeProvider time) : Grain, ICaseNumberGrain
{
    private const int Block = 50;
    private const int MaxAttempts = 3;
    private int next;
    private DateOnly day;

    public async Task<string> NextAsync()
    {
        var today = ChinaDate.Of(time.GetUtcNow());
        if (day != today)
        {
            day = today;
            next = state.State.Day == today ? state.State.Reserved + 1 : 1;
        }

        if (state.State.Day != today || next > state.State.Reserved)
        {
            await ReserveAsync(today);
        }

        var number = next++;
        return string.Create(CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}-{today:yyyyMMdd}-{number:D4}");
    }

    /// <summary>
    /// Reserves the next block. While the cluster's membership changes, a second activation may have reserved a block since
    /// this one last read: the write then meets its ETag, and the block after the stored one is taken instead, so the
    /// case being registered still gets a code, and no code is handed out twice.
    /// </summary>
    private async Task ReserveAsync(DateOnly today)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (oldDay, oldReserved) = (state.State.Day, state.State.Reserved);
            state.State.Day = today;
            state.State.Reserved = next + Block - 1;
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (InconsistentStateException) when (attempt < MaxAttempts)
            {
                await state.ReadStateAsync();
                next = state.State.Day == today ? Math.Max(next, state.State.Reserved + 1) : next;
            }
            catch
            {
                (state.State.Day, state.State.Reserved) = (oldDay, oldReserved);
                DeactivateOnIdle();
                throw;
            }
        }
    }
}
