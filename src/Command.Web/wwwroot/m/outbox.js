// Sends what the outbox holds, oldest first, whenever the network is there. An item leaves the outbox only once the server
// took it. One the server refused for good (4xx: sending it again would be refused again) is not sent again: a report or a
// case action (with its photos) stays on the phone, marked with the server's Chinese reason, until the worker deletes it;
// refused positions are dropped, and counted (with the last reason) for the worker to see. A report carries its own id as
// Idempotency-Key, so a resend after a lost answer is the same case, and it remembers each step done (case opened, photos
// uploaded). A case action carries its id the same way (the case keeps it with the step), and so does an order's 反馈 (the
// order keeps every one it took); an order's 签收 sent again changes nothing.
// Every item is filed under the account signed in when it was made, and only the signed-in account's items are sent: the
// session is what the server takes the sender from, so a queue left by one worker (whose session ran out) is kept for that
// worker and never goes out under the next one who signs in on the same phone. An SOS goes out before anything else.
import { api, HttpError, isNetworkError } from './api.js';
import { outbox } from './store.js';

const listeners = new Set();
let running = null;
let again = false;
let owner = null; // the signed-in account's user name; nothing is queued or sent without one

export const onOutboxChange = fn => listeners.add(fn);
const changed = async () => { const n = (await pending()).length; listeners.forEach(fn => fn(n)); };

/** The account items are filed under now (null while nobody is signed in). */
export const currentOwner = () => owner;

/** The account whose items are queued and sent from now on (null while nobody is signed in). */
export function setOwner(userName) {
    owner = userName || null;
    if (owner) flush();
}

/** The signed-in account's items, oldest first (those still to send and those the server refused). */
export async function mine() {
    return owner ? (await outbox.all()).filter(i => i.user === owner) : [];
}

/** The signed-in account's items still to send. */
export const pending = async () => (await mine()).filter(i => !i.refused);

/** The worker deletes an item the server refused (nothing else is deleted by hand: it would be lost). */
export async function discard(id) {
    const item = (await mine()).find(i => i.id === id);
    if (!item?.refused) return;
    await outbox.remove(id);
    await changed();
}

const REFUSED_POSITIONS = 'command.positions-refused';

/** Positions the server refused since this phone started counting: { count, reason, at } (reason and time of the last). */
export function refusedPositions() {
    try {
        return JSON.parse(localStorage.getItem(REFUSED_POSITIONS)) || { count: 0 };
    } catch {
        return { count: 0 };
    }
}

/** How many items other accounts left on this phone (kept for them, never sent under this one). */
export async function othersCount() {
    return (await outbox.all()).filter(i => i.user !== owner).length;
}

export async function enqueue(item) {
    if (!owner) return false; // e.g. positions taken while the sign-in screen is up: nobody to send them as
    await outbox.put({ createdAt: Date.now(), ...item, user: owner });
    await changed();
    flush();
    return true;
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
    const user = owner;
    const items = await pending();
    for (const item of [...items.filter(i => i.kind === 'sos'), ...items.filter(i => i.kind !== 'sos')]) {
        if (owner !== user) return; // signed out or another account signed in meanwhile
        try {
            const answer = await send(item);
            await outbox.remove(item.id);
            report(item, null, answer);
        } catch (e) {
            if (isNetworkError(e) || (e instanceof HttpError && (e.retryable || e.status === 401))) {
                return; // offline, busy or signed out: keep it, in order, for the next round
            }

            await keepRefused(item, e);
            report(item, e);
        }

        await changed();
    }
}

/** A refusal for good: what the worker made stays, with the reason; positions go, counted. */
async function keepRefused(item, error) {
    if (item.kind === 'report' || item.kind === 'action' || item.kind === 'order') {
        await outbox.put({ ...item, refused: { status: error.status, reason: error.message, at: Date.now() } });
        return;
    }

    await outbox.remove(item.id);
    if (item.kind === 'positions') {
        const before = refusedPositions();
        localStorage.setItem(REFUSED_POSITIONS, JSON.stringify({ count: before.count + item.positions.length, reason: error.message, at: Date.now() }));
    }
}

const sentListeners = new Set();
export const onSent = fn => sentListeners.add(fn);
const report = (item, error, answer) => sentListeners.forEach(fn => fn(item, error, answer));

async function upload(code, photo) {
    return api('POST', `/api/cases/${encodeURIComponent(code)}/attachments`, photoForm(photo));
}

function photoForm(photo) {
    const form = new FormData();
    form.append('file', photo.blob, photo.name || 'photo.jpg');
    return form;
}

async function send(item) {
    switch (item.kind) {
        case 'positions': // sentAt: the phone's clock now, so the server can read the fixes' times on its own clock
            return api('POST', '/api/me/positions', { positions: item.positions, sentAt: Date.now() });
        case 'sos':
            return api('POST', '/api/me/sos', { ...item.body, sentAt: Date.now() });
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
            return api('POST', `/api/cases/${encodeURIComponent(item.code)}/${item.action}`, body, { 'Idempotency-Key': item.id });
        }
        case 'order': { // 调度指令: 签收, or 反馈 with its photos (each uploaded to the order once, then named by id)
            const url = `/api/orders/${encodeURIComponent(item.orderId)}`;
            if (item.action === 'sign') return api('POST', `${url}/sign`);
            item.photoIds ||= [];
            while (item.photoIds.length < item.photos.length) {
                item.photoIds.push((await api('POST', `${url}/photos`, photoForm(item.photos[item.photoIds.length]))).id);
                await outbox.put(item);
            }

            return api('POST', `${url}/feedback`, { text: item.text, photos: item.photoIds }, { 'Idempotency-Key': item.id });
        }
        default:
            return null;
    }
}

addEventListener('online', () => flush());
setInterval(() => { if (navigator.onLine) flush(); }, 15000);
