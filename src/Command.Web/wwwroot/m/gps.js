// Location sharing: watchPosition while the switch is on; fixes are batched into the outbox every few seconds and sent
// under the signed-in worker's identity (POST /api/me/positions), so they survive a dead zone and arrive later.
import { enqueue } from './outbox.js';
import { newId } from './api.js';

const BATCH_EVERY_MS = 5000;
let watch = null;
let buffer = [];
let last = null;
const listeners = new Set();

export const onFix = fn => listeners.add(fn);
export const lastFix = () => last;
export const sharing = () => watch !== null;

function take(position) {
    const c = position.coords;
    last = { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy, at: position.timestamp || Date.now() };
    if (watch !== null) {
        buffer.push({
            lat: c.latitude, lon: c.longitude, timestamp: Math.round(position.timestamp || Date.now()),
            accuracy: c.accuracy ?? undefined, speed: c.speed ?? undefined, bearing: c.heading ?? undefined, altitude: c.altitude ?? undefined,
        });
    }

    listeners.forEach(fn => fn(last, null));
}

function failed(error) {
    const text = error.code === 1 ? '定位权限被拒绝，请在浏览器设置中允许定位' : error.code === 3 ? '定位超时，正在重试' : '暂时无法定位';
    listeners.forEach(fn => fn(last, text));
}

export function start() {
    if (watch !== null || !navigator.geolocation) return;
    watch = navigator.geolocation.watchPosition(take, failed, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    localStorage.setItem('command.gps', 'on');
}

export async function stop() {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    localStorage.setItem('command.gps', 'off');
    await drain();
}

/** A fix now (for a report or an SOS): the last one if fresh, else one asked for, else null. */
export function current(timeoutMs = 8000) {
    if (last && Date.now() - last.at < 60000) return Promise.resolve(last);
    return new Promise(resolve => {
        if (!navigator.geolocation) { resolve(last); return; }
        navigator.geolocation.getCurrentPosition(p => { take(p); resolve(last); }, () => resolve(last), { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30000 });
    });
}

async function drain() {
    if (buffer.length === 0) return;
    const positions = buffer;
    buffer = [];
    await enqueue({ id: newId(), kind: 'positions', positions });
}

setInterval(drain, BATCH_EVERY_MS);
addEventListener('pagehide', drain);
if (localStorage.getItem('command.gps') !== 'off') queueMicrotask(start);
