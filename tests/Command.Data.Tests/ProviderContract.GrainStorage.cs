using System.Diagnostics.CodeAnalysis;
using Command.Testing;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Command.Data.Tests;

/// <summary>The grain storage, called as Orleans calls it: each <see cref="HeldState{T}"/> plays one activation's copy.</summary>
public abstract partial class ProviderContract
{
    private const string LedgerStateName = "ledger";

    [SkippableFact]
    public async Task State_written_is_read_back_whole_after_a_stop_and_a_restart()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var written = new HeldState<LedgerState> { State = new LedgerState { Balance = 42, Entries = ["开户", "存入"], Shift = Shift.Night } };
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("kept"), written);

        await silo.RestartAsync();
        var read = await ReadAsync(silo.Storage, Ledger("kept"));

        Assert.True(read.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(42, read.State.Balance);
        Assert.Equal(["开户", "存入"], read.State.Entries);
        Assert.Equal(Shift.Night, read.State.Shift);
    }

    [SkippableFact]
    public async Task Reading_state_never_written_gives_a_fresh_state_and_no_record()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);

        var read = await ReadAsync(silo.Storage, Ledger("nobody"));

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State.Balance);
        Assert.Empty(read.State.Entries);
    }

    [SkippableFact]
    public async Task A_write_with_a_stale_etag_throws_InconsistentStateException_and_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var first = new HeldState<LedgerState> { State = new LedgerState { Balance = 1 } };
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("contested"), first);
        var second = await ReadAsync(silo.Storage, Ledger("contested"));
        first.State.Balance = 2;
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("contested"), first);

        second.State.Balance = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(LedgerStateName, Ledger("contested"), second));
        var stored = await ReadAsync(silo.Storage, Ledger("contested"));

        Assert.Equal(2, stored.State.Balance);
        Assert.Equal(first.ETag, stored.ETag);
        stored.State.Balance = 3;
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("contested"), stored);
        Assert.Equal(3, (await ReadAsync(silo.Storage, Ledger("contested"))).State.Balance);
    }

    [SkippableFact]
    public async Task A_record_another_writer_created_first_makes_the_first_write_conflict()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var late = await ReadAsync(silo.Storage, Ledger("latecomer"));
        var early = await ReadAsync(silo.Storage, Ledger("latecomer"));
        early.State.Balance = 7;
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("latecomer"), early);

        late.State.Balance = 8;
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(LedgerStateName, Ledger("latecomer"), late));

        Assert.Equal(7, (await ReadAsync(silo.Storage, Ledger("latecomer"))).State.Balance);
    }

    [SkippableFact]
    public async Task Clearing_forgets_the_state_and_the_etag_keeps_changing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var state = new HeldState<LedgerState> { State = new LedgerState { Balance = 5 } };
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("cleared"), state);
        var beforeClear = state.ETag;

        await silo.Storage.ClearStateAsync(LedgerStateName, Ledger("cleared"), state);

        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State.Balance);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(beforeClear, state.ETag);
        await silo.RestartAsync();
        var read = await ReadAsync(silo.Storage, Ledger("cleared"));
        Assert.Equal(0, read.State.Balance);
        Assert.Equal(state.ETag, read.ETag);

        // A writer that still holds the ETag from before the clear has missed it.
        var missedTheClear = new HeldState<LedgerState> { State = new LedgerState { Balance = 6 }, ETag = beforeClear, RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(LedgerStateName, Ledger("cleared"), missedTheClear));
        read.State.Balance = 1;
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("cleared"), read);
        Assert.NotEqual(state.ETag, read.ETag);
        var rewritten = await ReadAsync(silo.Storage, Ledger("cleared"));
        Assert.True(rewritten.RecordExists);
        Assert.Equal(1, rewritten.State.Balance);
    }

    [SkippableFact]
    public async Task Clearing_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_state()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var current = new HeldState<LedgerState> { State = new LedgerState { Balance = 1 } };
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("kept-on-clear"), current);
        var stale = await ReadAsync(silo.Storage, Ledger("kept-on-clear"));
        current.State.Balance = 2;
        await silo.Storage.WriteStateAsync(LedgerStateName, Ledger("kept-on-clear"), current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.ClearStateAsync(LedgerStateName, Ledger("kept-on-clear"), stale));

        var stored = await ReadAsync(silo.Storage, Ledger("kept-on-clear"));
        Assert.Equal(2, stored.State.Balance);
        Assert.Equal(current.ETag, stored.ETag);
    }

    private static async Task<HeldState<LedgerState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new HeldState<LedgerState>();
        await storage.ReadStateAsync(LedgerStateName, grainId, state);
        return state;
    }
}

/// <summary>What one activation holds: the state, its ETag and whether a record exists, as Orleans keeps them.</summary>
public sealed class HeldState<T> : IGrainState<T>
    where T : new()
{
    public T State { get; set; } = new();

    [AllowNull]
    T IGrainState<T>.State
    {
        get => State;
        set => State = value ?? new T();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}

[GenerateSerializer]
public sealed class LedgerState
{
    [Id(0)]
    public int Balance { get; set; }

    [Id(1)]
    public List<string> Entries { get; set; } = [];

    [Id(2)]
    public Shift Shift { get; set; }
}

public enum Shift
{
    Day,
    Night,
}
