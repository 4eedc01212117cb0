// The SignalR connection to /hubs/dashboard: Watch(scope) answers a snapshot, `Changes` brings batches.
// Batches that arrive while a Watch is under way are held and handed over after its snapshot, so nothing is
// missed (versions make repeats harmless). The connection retries forever.

/* global signalR */

const RETRY_MS = [0, 1000, 2000, 5000, 10000];
const RESTART_MS = 3000;

/**
 * @param {object} handlers
 *   onSnapshot(snapshot)  a Watch was answered: replace everything
 *   onBatch(batch)        a batch of changes for the scope watched
 *   onState(state)        'connecting' | 'live' | 'reconnecting' | 'down'
 *   scope()               the scope to watch after (re)connecting
 *   onRefused(error, scope) a (re)connect Watch was refused
 */
export function createLive(handlers) {
    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/dashboard')
        .withAutomaticReconnect({
            nextRetryDelayInMilliseconds: ctx => RETRY_MS[Math.min(ctx.previousRetryCount, RETRY_MS.length - 1)],
        })
        .configureLogging(signalR.LogLevel.None)
        .build();

    let held = null;          // batches that arrived while a Watch was under way
    let watching = 0;         // Watch calls under way
    let started = false;
    let stopped = false;

    connection.on('Changes', batch => {
        if (watching > 0) held.push(batch);
        else handlers.onBatch(batch);
    });

    connection.onreconnecting(() => handlers.onState('reconnecting'));
    connection.onreconnected(() => rewatch());
    connection.onclose(() => {
        handlers.onState('down');
        if (!stopped) setTimeout(start, RESTART_MS);
    });

    async function start() {
        if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) return;
        handlers.onState(started ? 'reconnecting' : 'connecting');
        try {
            await connection.start();
        } catch (e) {
            console.warn('大屏实时连接失败，稍后重试：', e?.message ?? e);
            handlers.onState('down');
            setTimeout(start, RESTART_MS);
            return;
        }
        started = true;
        await rewatch();
    }

    /** After a (re)connect: watch the current scope again and take its snapshot as the truth. */
    async function rewatch() {
        const scope = handlers.scope();
        let result;
        try {
            result = await watch(scope);
        } catch (e) {
            console.warn('Watch 失败：', e?.message ?? e);
            handlers.onState('down');
            return;
        }
        if (result?.ok) handlers.onState('live');
        else handlers.onRefused(result?.error, scope);
    }

    /**
     * Watches a scope. On ok the snapshot goes to onSnapshot first; then the batches held meanwhile go to onBatch
     * (each names its scope, so one for a scope no longer watched is dropped there). A refusal changes nothing on
     * the hub: the scope watched before stays watched, and its held batches still apply.
     */
    async function watch(scope) {
        if (watching++ === 0) held = [];
        try {
            const result = await connection.invoke('Watch', scope);
            if (result?.ok && result.snapshot) handlers.onSnapshot(result.snapshot);
            return result;
        } finally {
            if (--watching === 0) {
                const pending = held;
                held = null;
                for (const batch of pending) handlers.onBatch(batch);
            }
        }
    }

    return {
        start,
        watch,
        get connected() {
            return connection.state === signalR.HubConnectionState.Connected;
        },
        stop() {
            stopped = true;
            return connection.stop();
        },
    };
}
