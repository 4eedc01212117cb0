// 我的任务: the cases in the worker's hands. Live from the inbox hub (/hubs/inbox: Watch() gives a snapshot, then "inbox"
// pushes items, each versioned; box null means the case left the inbox); where the hub is not there, GET /api/cases?mine=true
// every few seconds. The last list is kept, so the phone shows it offline.
import { api } from './api.js';
import { kv } from './store.js';

const BOX_NAMES = { sign: '待签收', dispatch: '待分派', handle: '办理中', verify: '待核实', revisit: '待回访', supervise: '督办' };
const POLL_MS = 5000;
const items = new Map();
const listeners = new Set();
let source = '';
let poller = null;
let heard = false; // the server has answered at least once (the list is not only the one kept from last time)

export const onTasks = fn => listeners.add(fn);
export const taskList = () => [...items.values()].sort((a, b) => (a.box === 'sign' ? 0 : 1) - (b.box === 'sign' ? 0 : 1) || (b.v || 0) - (a.v || 0));
export const boxName = box => BOX_NAMES[box] || '';
export const sourceName = () => source;
export const fromServer = () => heard;

function emit() {
    kv.set('tasks', taskList());
    listeners.forEach(fn => fn(taskList()));
}

/** Applies items of a snapshot or push: newer versions win; box null removes. */
function merge(list, replace = false) {
    if (replace) items.clear();
    for (const item of list || []) {
        const old = items.get(item.code);
        if (old && (old.v || 0) > (item.v || 0)) continue;
        if (item.box == null) items.delete(item.code);
        else items.set(item.code, item);
    }

    emit();
}

/** A case-list line (GET /api/cases) as an inbox item. */
function fromSummary(c) {
    const box = c.status === 'dispatched' ? 'sign' : c.status === 'in_progress' ? 'handle' : c.status === 'resolved' ? 'verify' : null;
    return {
        code: c.code, title: c.title, categoryName: c.categoryName, urgency: c.urgency, status: c.status, statusName: c.statusName, box,
        overdue: c.overdue, supervision: c.supervision, regionCode: c.regionCode, v: Date.parse(c.acceptedAt) || 0, dueAt: c.dueAt,
    };
}

export async function refresh() {
    try {
        const page = await api('GET', '/api/cases?mine=true&pageSize=100');
        heard = true;
        merge(page.items.map(fromSummary).filter(i => i.box), true);
        return true;
    } catch {
        return false;
    }
}

function poll() {
    source = '每 5 秒刷新';
    if (!poller) poller = setInterval(() => { if (navigator.onLine && !document.hidden) refresh(); }, POLL_MS);
    refresh();
}

async function watchHub(connection) {
    const result = await connection.invoke('Watch');
    if (!result?.ok) throw new Error(result?.error?.message || 'watch refused');
    heard = true;
    merge(result.snapshot.items, true);
    source = '实时';
    clearInterval(poller);
    poller = null;
    emit();
}

let hub = null;

/** After an offline start the hub is tried again when the network is back (the list API serves meanwhile). */
addEventListener('online', () => {
    if (hub && source !== '实时' && hub.state === signalR.HubConnectionState.Disconnected) {
        hub.start().then(() => watchHub(hub)).catch(() => { /* still not there: keep polling */ });
    }
});

export async function start() {
    const cached = await kv.get('tasks');
    if (cached) merge(cached, true);
    if (!window.signalR) { poll(); return; }

    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/inbox', { headers: { 'X-Command-Csrf': '1' } })
        .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => Math.min(30000, 1000 * 2 ** c.previousRetryCount) })
        .configureLogging(signalR.LogLevel.None)
        .build();
    hub = connection;
    connection.on('inbox', batch => merge(batch.items));
    connection.onreconnected(() => watchHub(connection).catch(poll));
    connection.onclose(() => poll());
    try {
        await connection.start();
        await watchHub(connection);
    } catch {
        poll(); // no inbox hub on this server (or not reachable yet): the list API instead
    }
}

export async function detail(code) {
    try {
        const view = await api('GET', `/api/cases/${encodeURIComponent(code)}`);
        kv.set(`case:${code}`, view);
        return view;
    } catch (e) {
        const cached = await kv.get(`case:${code}`);
        if (cached) return { ...cached, stale: true };
        throw e;
    }
}

/**
 * The buttons the task offers: of the actions the phone has forms for (签收, 反馈进展, 办结), those the server says the worker
 * may take now (the case's `allowed`, read with the case; offline, as it was when last read).
 */
export function actionsFor(view) {
    return ['sign', 'progress', 'resolve'].filter(a => (view.allowed || []).includes(a));
}

/** Marks a task as changed here before the server confirms (the outbox may hold the action a while). */
export function assume(code, status, statusName) {
    const item = items.get(code);
    if (!item) return;
    const box = status === 'in_progress' ? 'handle' : status === 'resolved' ? 'verify' : item.box;
    items.set(code, { ...item, status, statusName, box, v: (item.v || 0) + 1 });
    emit();
}
