// The phone's service worker: the shell (these files) comes from the cache, so the page starts without a network, and is
// refreshed from the server in the background whenever it is reachable. The API and the hubs always go to the network:
// what must survive being offline waits in the page's IndexedDB outbox, not here.
const CACHE = 'command-m-v6'; // a new version whenever the shell's modules change together (v2: items filed by account; v3: refused items kept; v4: orders; v5: orders through the outbox; v6: order drafts per account in IndexedDB)
const SHELL = [
    '/m/', '/m/app.css', '/m/app.js', '/m/api.js', '/m/store.js', '/m/outbox.js', '/m/gps.js', '/m/tasks.js', '/m/photos.js', '/m/patrol.js', '/m/orders.js',
    '/m/manifest.webmanifest', '/m/icons/icon.svg', '/m/icons/icon-192.png', '/m/icons/icon-512.png',
    '/_content/Command.Web/lib/signalr.min.js', '/_content/Command.Web/lib/idb.js', '/_content/Command.Web/lib/exifr-lite.esm.js',
];

self.addEventListener('install', event => {
    event.waitUntil(caches.open(CACHE).then(cache => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
    event.waitUntil(caches.keys()
        .then(keys => Promise.all(keys.filter(k => k.startsWith('command-m-') && k !== CACHE).map(k => caches.delete(k))))
        .then(() => self.clients.claim()));
});

self.addEventListener('fetch', event => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin) return;
    const path = request.mode === 'navigate' && (url.pathname === '/m' || url.pathname.startsWith('/m/')) ? '/m/' : url.pathname;
    if (!SHELL.includes(path)) return;
    event.respondWith(caches.open(CACHE).then(async cache => {
        const cached = await cache.match(path);
        const fresh = fetch(path).then(response => {
            if (response.ok) cache.put(path, response.clone());
            return response;
        });
        if (cached) {
            event.waitUntil(fresh.catch(() => undefined));
            return cached;
        }

        return fresh;
    }));
});
