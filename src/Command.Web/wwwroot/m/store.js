// The phone's own storage (IndexedDB): the outbox of what waits to be sent, and the last things seen (for offline starts).
import { openDB } from '/_content/Command.Web/lib/idb.js';

const db = openDB('command-phone', 1, {
    upgrade(d) {
        d.createObjectStore('outbox', { keyPath: 'id' });
        d.createObjectStore('kv');
    },
});

export const outbox = {
    async put(item) { return (await db).put('outbox', item); },
    async remove(id) { return (await db).delete('outbox', id); },
    async all() { return ((await (await db).getAll('outbox')) || []).sort((a, b) => a.createdAt - b.createdAt); },
    async count() { return (await db).count('outbox'); },
};

export const kv = {
    async get(key) { return (await db).get('kv', key); },
    async set(key, value) { return (await db).put('kv', value, key); },
    async remove(key) { return (await db).delete('kv', key); },
    async clear() { return (await db).clear('kv'); },
};
