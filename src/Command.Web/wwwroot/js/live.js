// The SignalR connection to /hubs/dashboard: Watch(scope) answers a snapshot, `Changes` brings batches.
// Batches that arrive while a Watch is under way are held and handed over after its snapshot, so nothing is
// missed (versions make repeats harmless). The connection retries forever, unless the hub says the session ended.
//
// The screen is live only while the current scope is watched. A Watch that throws (the hub failed half-way: the old
// scope may already be left) or is refused as `unavailable` (the silo is still loading) leaves it not live, and the
// current scope is watched again with backoff while connected; after a reconnect it is watched again anyway.

/* global signalR */
import { checkSignIn } from './util.js';

const RETRY_MS = [0, 1000, 2000, 5000, 10000];
const RESTART_MS = 3000;
const REWATCH_MS = [1000, 2000, 5000, 10000, 30000];

/**
 * @param {object} handlers
 *   onSnapshot(snapshot)  a Watch was answered: replace everything
 *   onBatch(batch)        a batch of changes for the scope watched
 *   onState(state)        'connecting' | 'live' | 'reconnecting' | 'down'
 *   scope()               the scope to watch after (re)connecting
 *   onRefused(error, scope) a (re)connect Watch was refused for good (forbidden, invalid, not_found)
 *   onSignedOut(message)  the hub closed this connection for good: the account was locked, its password reset or its
 *                         role changed (the Chinese reason); the connection is not tried again
 */
export function createLive(handlers) {
    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/dashboard')
        .withAutomaticReconnect({
            nextRetryDelayInMilliseconds: ctx => {
                // A reconnect failing again may be an expired sign-in (the hub answers 401): ask, at most every 10 s.
                if (ctx.previousRetryCount > 0) checkSignIn();
                return RETRY_MS[Math.min(ctx.previousRetryCount, RETRY_MS.length - 1)];
            },
        })
        .configureLogging(signalR.LogLevel.None)
        .build();

    let held = null;          // batches that arrived while a Watch was under way
    let watching = 0;         // Watch calls under way
    let started = false;
    let stopped = false;
    let retryTimer = null;    // the next try to watch the current scope again
    let retries = 0;

    connection.on('Changes', batch => {
        if (watching > 0) held.push(batch);
        else handlers.onBatch(batch);
    });

    // The server closes the connection after this (and allows no reconnect): stop here so nothing restarts it.
    connection.on('SignedOut', reason => {
        stopped = true;
        cancelRetry();
        handlers.onSignedOut?.(reason?.message);
        connection.stop().catch(() => {});
    });

    connection.onreconnecting(() => {
        cancelRetry();
        handlers.onState('reconnecting');
    });
    connection.onreconnected(() => rewatch());
    connection.onclose(() => {
        cancelRetry();
        handlers.onState('down');
        if (!stopped) setTimeout(start, RESTART_MS);
    });

    const connected = () => connection.state === signalR.HubConnectionState.Connected;

    async function start() {
        if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) return;
        handlers.onState(started ? 'reconnecting' : 'connecting');
        try {
            await connection.start();
        } catch (e) {
            console.warn('大屏实时连接失败，稍后重试：', e?.message ?? e);
            handlers.onState('down');
            checkSignIn();
            setTimeout(start, RESTART_MS);
            return;
        }
        started = true;
        await rewatch();
    }

    /** Watches the current scope again and takes its snapshot as the truth (after a (re)connect, or to recover). */
    async function rewatch() {
        cancelRetry();
        if (stopped || !connected()) return;   // onreconnected / start will watch
        const scope = handlers.scope();
        let result;
        try {
            result = await watch(scope);
        } catch (e) {
            console.warn('Watch 失败，稍后重试：', e?.message ?? e);
            recover();
            return;
        }
        if (result?.ok) markLive();
        else if (result?.error?.code === 'unavailable') recover();
        else handlers.onRefused(result?.error, scope);
    }

    /** The current scope may not be watched (a Watch threw, or the hub is loading): not live; try again soon. */
    function recover() {
        if (stopped) return;
        if (connected()) handlers.onState('reconnecting');
        if (retryTimer || !connected()) return;
        retryTimer = setTimeout(() => {
            retryTimer = null;
            // A Watch under way (a drill-down) will settle it; look again after it.
            if (watching > 0) recover();
            else rewatch();
        }, REWATCH_MS[Math.min(retries++, REWATCH_MS.length - 1)]);
    }

    function cancelRetry() {
        clearTimeout(retryTimer);
        retryTimer = null;
    }

    /** A Watch of the current scope was answered: live again. */
    function markLive() {
        cancelRetry();
        retries = 0;
        handlers.onState('live');
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
        /** Watches a scope (throws when the hub fails; a refusal is an answer). The caller decides what follows. */
        watch,
        /** The caller's Watch of the scope it now shows was answered. */
        markLive,
        /** The caller's Watch threw or was `unavailable`: the current scope is watched again with backoff. */
        recover,
        /** Watches the current scope now (after the caller changed it, e.g. back to the user's own region). */
        rewatch,
        get connected() {
            return connected();
        },
        stop() {
            stopped = true;
            cancelRetry();
            return connection.stop();
        },
    };
}
