// Sends what the outbox holds, oldest first, whenever the network is there. An item leaves the outbox only once the server
// took it (or refused it for good: a refusal would repeat forever). A report carries its own id as Idempotency-Key, so a
// resend after a lost answer is the same case, and it remembers each step done (case opened, photos uploaded).
import { api, HttpError, isNetworkError } from './api.js';
import { outbox } from './store.js';

const listeners = new Set();
let running = null;
let again = false;

export const onOutboxChange = fn => listeners.add(fn);
const changed = async () => { const n = await outbox.count(); listeners.forEach(fn => fn(n)); };

export async function enqueue(item) {
    await outbox.put({ createdAt: Date.now(), ...item });
    await changed();
    flush();
}

/** Sends everything it can now; resolves when this round is over. */
export function flush() {
    if (running) { again = true; return running; }
    running = (async () => {
        do {
            again = false;
            await round();
        } while (again && navigator.onLine);
    })().finally(() => { running = null; changed(); });
    return running;
}

async function round() {
    for (const item of await outbox.all()) {
        try {
            await send(item);
            await outbox.remove(item.id);
            report(item, null);
        } catch (e) {
            if (isNetworkError(e) || (e instanceof HttpError && (e.retryable || e.status === 401))) {
                return; // offline, busy or signed out: keep it, in order, for the next round
            }

            await outbox.remove(item.id);
            report(item, e);
        }

        await changed();
    }
}

const sentListeners = new Set();
export const onSent = fn => sentListeners.add(fn);
const report = (item, error) => sentListeners.forEach(fn => fn(item, error));

async function upload(code, photo) {
    const form = new FormData();
    form.append('file', photo.blob, photo.name || 'photo.jpg');
    return api('POST', `/api/cases/${encodeURIComponent(code)}/attachments`, form);
}

async function send(item) {
    switch (item.kind) {
        case 'positions':
            return api('POST', '/api/me/positions', { positions: item.positions });
        case 'sos':
            return api('POST', '/api/me/sos', item.body);
        case 'report': {
            if (!item.code) {
                const created = await api('POST', '/api/cases', item.body, { 'Idempotency-Key': item.id });
                item.code = created.code;
                await outbox.put(item);
            }

            while ((item.uploaded || 0) < item.photos.length) {
                await upload(item.code, item.photos[item.uploaded || 0]);
                item.uploaded = (item.uploaded || 0) + 1;
                await outbox.put(item);
            }

            return item.code;
        }
        case 'action': {
            item.urls ||= [];
            while (item.urls.length < item.photos.length) {
                item.urls.push((await upload(item.code, item.photos[item.urls.length])).url);
                await outbox.put(item);
            }

            const body = { ...item.body };
            if (item.urls.length) body.photos = item.urls;
            return api('POST', `/api/cases/${encodeURIComponent(item.code)}/${item.action}`, body);
        }
        default:
            return null;
    }
}

addEventListener('online', () => flush());
setInterval(() => { if (navigator.onLine) flush(); }, 15000);
