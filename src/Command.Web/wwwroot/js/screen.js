// The big screen's entry: scales the 1920×1080 canvas to the window, ticks the clock, and wires the live
// connection to the state, the map, the panels, the lists and the cards. Navigation between scopes (drill-down,
// breadcrumb, back/forward) goes through goTo().

import { el, getJson, syncClock, now, formatDate, formatTime, setText, SIGNED_OUT, loginUrl } from './util.js';
import { ScreenState, W_ID } from './store.js';
import { createLive } from './live.js';
import { createMap } from './map.js';
import { createMarkers } from './markers.js';
import { createPanels } from './panels.js';
import { createLists } from './lists.js';
import { createRegions } from './regions.js';
import { createCards } from './cards.js';
import { createUnits } from './units.js';
import { createTrack } from './track.js';
import { startCalls, showScopeCall } from '../video/call.js';
import { createOrders } from './orders.js';

const screen = document.getElementById('screen');
const config = JSON.parse(screen.dataset.config);
syncClock(config.serverTime);

// ---------- the canvas scaled to the window, letterboxed ----------
// On a smaller window (a 1366×768 laptop: scale 0.71) the design's text would shrink below what can be read: the text
// (not the layout) is enlarged by --boost, up to 1.3×, so body text stays at about 13 px or more on the screen.
const READABLE = .92;
const MAX_BOOST = 1.3;
let scale = 1;
let boost = 1;
function fit() {
    scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    const x = (window.innerWidth - 1920 * scale) / 2;
    const y = (window.innerHeight - 1080 * scale) / 2;
    screen.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    const next = Math.round(Math.min(MAX_BOOST, Math.max(1, READABLE / scale)) * 100) / 100;
    if (next !== boost) {
        boost = next;
        screen.style.setProperty('--boost', String(boost));
        panels?.restyle();
    }
}
let panels = null;
fit();
window.addEventListener('resize', fit);

// ---------- monitoring (and the benchmark): how long applying a batch takes ----------
const stats = { batches: 0, lastApplyMs: 0, maxApplyMs: 0, applyMs: [] };
window.commandScreen = { stats, probe: window.commandScreen?.probe ?? null, pointOf: () => null };
let ring = 0;
function record(ms) {
    stats.batches++;
    stats.lastApplyMs = ms;
    stats.maxApplyMs = Math.max(stats.maxApplyMs, ms);
    if (stats.applyMs.length < 1000) stats.applyMs.push(ms);
    else stats.applyMs[ring++ % 1000] = ms;
}

// ---------- toast ----------
const toastBox = document.getElementById('toast');
let toastTimer = null;
function toast(message, kind = 'error') {
    toastBox.textContent = message;
    toastBox.className = kind === 'info' ? 'info' : '';
    toastBox.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toastBox.hidden = true; }, kind === 'info' ? 2500 : 6000);
}

// ---------- the modules ----------
const state = new ScreenState();
const base = createMap(document.getElementById('map'), {
    tileUrl: config.tileUrl,
    onDrill: code => goTo(code),
    onRegionFailed: e => toast(`区域边界加载失败：${e.message}`),
});
const track = createTrack(base.map);
const units = createUnits({ county: config.county });
startCalls({ mode: 'wall' });
const cards = createCards({ track, user: config.user, units, toast, onSelect: code => markers.select(code) });
const markers = createMarkers(base, {
    onWorker: id => cards.openWorker(id),
    onCase: code => cards.openCase(code),
    onWarning: w => openWarning(w),
});
window.commandScreen.pointOf = (kind, key) => markers.pointOf(kind, key);
panels = createPanels({ onDrill: code => goTo(code), scale: () => scale, boost: () => boost });
createOrders({ frame: document.querySelector('.map-frame'), user: config.user, toast, map: base.map });
const lists = createLists({ user: config.user, onCase: code => cards.openCase(code), onWarning: w => openWarning(w), toast });
const regions = createRegions({ county: config.county, onDrill: code => goTo(code), onFocus: code => base.focus(code) });

function openWarning(w) {
    if (w?.caseCode) cards.openCase(w.caseCode);
    else if (w?.workerId != null) cards.openWorker(w.workerId);
}

// ---------- applying what arrives ----------
/** A whole new state: a hub snapshot, or (without the hub) a region as the HTTP API gives it. */
function applySnapshot(snapshot) {
    drawPending();   // what came before it, so the probe sees every version (the snapshot then replaces all)
    syncClock(snapshot.serverTime);
    if (state.scope && state.scope.code !== snapshot.scope.code) cards.closeAll();
    state.replace(snapshot);
    screen.dataset.scope = state.scope.code;
    base.setScope(state.scope);
    showScopeCall(config.user?.role, state.scope, document.getElementById('worker-card').parentElement, state.children);
    markers.replace(state);
    base.applyCounts(state.counters);
    regions.setScope(state);
    panels.setScope(state);
    lists.replace(state, Array.isArray(snapshot.cases));
}

// A batch only updates the state (cheap); what it changed reaches the page in the next animation frame, together
// with every other batch that arrived meanwhile: the workers' canvas is drawn once, the counters and lists touched
// once, however many batches came (about ten a second at city scope). The time recorded for each batch is its own
// plus the whole frame that drew it.
let pending = [];           // { changes, ms } of each batch since the last frame
let frameAsked = false;
let frameFallback = null;   // a hidden page has no animation frames: draw anyway, later

function applyBatch(batch) {
    const started = performance.now();
    syncClock(batch.serverTime);
    const changes = state.applyBatch(batch);
    pending.push({ changes, ms: performance.now() - started });
    if (!frameAsked) {
        frameAsked = true;
        requestAnimationFrame(drawPending);
        frameFallback = setTimeout(drawPending, 250);
    }
}

function drawPending() {
    clearTimeout(frameFallback);
    frameAsked = false;
    if (pending.length === 0) return;
    const started = performance.now();
    const batches = pending;
    pending = [];
    const counters = new Map();
    const open = cards.workerId;
    const openCase = cards.caseCode;
    let listsChanged = false;
    for (const { changes } of batches) {
        markers.apply(changes);
        for (const c of changes.counters) counters.set(c.code, c);
        if (changes.cases.length || changes.casesRemoved.length || changes.warnings.length || changes.warningsRemoved.length) listsChanged = true;
        if (open != null) for (const w of changes.workers) if (w[W_ID] === open) cards.workerChanged(w);
        // The open case card follows its case, to its final state when it closes.
        if (openCase != null && changes.caseCodes.includes(openCase)) cards.caseChanged(openCase);
    }
    markers.draw(window.commandScreen.probe instanceof Map ? window.commandScreen.probe : null);
    if (counters.size) {
        const changed = [...counters.values()];
        panels.countersChanged(changed);
        regions.countersChanged(changed);
        base.applyCounts(state.counters);
    }
    if (listsChanged) lists.changed();
    const ms = performance.now() - started;
    for (const batch of batches) record(batch.ms + ms);
}

/** The region view of GET /api/regions/{code} in the snapshot's shape (counters with version 0). */
function snapshotOfRegion(region, path) {
    const counters = c => ({ grids: c.grids, workers: c.workers, online: c.online, patrolling: c.patrolling, open: c.openCases,
        overdue: c.overdueCases, warnings: c.warnings, acceptedToday: c.acceptedToday, resolvedToday: c.resolvedToday, v: 0 });
    return {
        serverTime: 0,
        scope: { code: region.code, name: region.name, level: region.level, levelName: region.levelName, synthetic: region.synthetic },
        path,
        children: region.children.map(c => ({ code: c.code, name: c.name, level: c.level, levelName: c.levelName, synthetic: c.synthetic })),
        counters: [{ code: region.code, ...counters(region.counts) }, ...region.children.map(c => ({ code: c.code, ...counters(c.counts) }))],
    };
}

/** The breadcrumb for a region reached without the hub: cut back to it, or extend by one step down. */
function pathTo(region) {
    const at = state.path.findIndex(p => p.code === region.code);
    if (at >= 0) return state.path.slice(0, at + 1);
    const parent = region.parent?.code;
    const upTo = state.path.findIndex(p => p.code === parent);
    return [...(upTo >= 0 ? state.path.slice(0, upTo + 1) : []), { code: region.code, name: region.name }];
}

// ---------- live ----------
const statusBox = document.getElementById('live-status');
const banner = document.getElementById('live-banner');
const STATUS_TEXT = { connecting: '连接中…', live: '实时', reconnecting: '重连中…', down: '已断开', signed_out: '登录已失效' };
let signedOut = false;
function setLive(s) {
    if (signedOut) s = 'signed_out';
    statusBox.dataset.state = s;
    setText(statusBox, STATUS_TEXT[s]);
    screen.dataset.live = String(s === 'live');
    banner.hidden = s === 'live' || s === 'connecting';
}

// The sign-in expired (util.js asked /api/me after a 401 or a failed connect): say so, then go to the sign-in page,
// which comes back to this scope.
window.addEventListener('command:signed-out', e => {
    e.preventDefault();
    signedOut = true;
    const url = e.detail;
    banner.replaceChildren(`${SIGNED_OUT}，`, el('a', { text: '点此登录', attrs: { href: url } }), '（3 秒后自动跳转）');
    banner.classList.add('signed-out');
    setLive('signed_out');
    live.stop().catch(() => {});
    setTimeout(() => location.assign(url), 3000);
});

let current = config.watch;   // the scope watched (or asked for at first)
let firstWatch = true;
const live = createLive({
    scope: () => current,
    onSnapshot: snapshot => applySnapshot(snapshot),
    onBatch: batch => applyBatch(batch),
    onState: s => {
        setLive(s);
        if (s === 'live') firstWatch = false;
        else if (s === 'down' && firstWatch && !signedOut && current !== state.scope?.code) withoutHub();
    },
    onRefused: (error, scope) => refused(error, scope),
    // The account was locked or changed while the screen was open: say why and stay put (no reconnecting, no redirect
    // that would hide the reason); the link signs in again.
    onSignedOut: message => {
        signedOut = true;
        banner.replaceChildren(message ?? SIGNED_OUT, ' ', el('a', { text: '点此重新登录', attrs: { href: loginUrl() } }));
        banner.classList.add('signed-out');
        setLive('signed_out');
    },
});

/**
 * A Watch after (re)connecting was refused for good (forbidden, invalid, not_found; live.js retries `unavailable`):
 * say why, and fall back to the user's own region.
 */
function refused(error, scope) {
    toast(error?.message ?? '无法查看该区域');
    if (scope !== config.home) {
        current = config.home;
        if (firstWatch) history.replaceState({ scope: current }, '', '/');
        live.rewatch();
    } else {
        setLive('down');
    }
}

/** No hub at first, and the region asked for in the address is not the one rendered: ask the HTTP API why. */
function withoutHub() {
    const asked = current;
    current = state.scope.code;
    goTo(asked, { push: false });
}

const GO_RETRY_MS = [2000, 5000, 10000, 30000];
let goRetry = null;   // a move the hub could not serve yet (`unavailable`), tried again unless the user moves elsewhere

/**
 * Moves the screen to another scope; `push` records it in the history (false for back/forward). A Watch that throws
 * keeps the scope shown, but the hub may have left it half-way: the screen is not live until live.js has watched it
 * again. A refusal changes nothing on the hub (the scope shown stays watched and live); `unavailable` is tried again.
 */
async function goTo(code, { push = true, attempt = 0 } = {}) {
    clearTimeout(goRetry);
    goRetry = null;
    if (!code || code === current) return;
    const previous = current;
    if (live.connected) {
        let result;
        try {
            result = await live.watch(code);
        } catch (e) {
            toast(`切换区域失败：${e.message ?? e}`);
            live.recover();
            return restoreUrl(previous, push);
        }
        if (!result?.ok) {
            const later = result?.error?.code === 'unavailable';
            if (attempt === 0) toast(`${result?.error?.message ?? '无法查看该区域'}${later ? '（稍后自动重试）' : ''}`);
            if (later) {
                const delay = GO_RETRY_MS[Math.min(attempt, GO_RETRY_MS.length - 1)];
                goRetry = setTimeout(() => goTo(code, { push: true, attempt: attempt + 1 }), delay);
            }
            return restoreUrl(previous, push);
        }
        live.markLive();
    } else {
        try {
            const region = await getJson(`/api/regions/${encodeURIComponent(code)}`);
            applySnapshot(snapshotOfRegion(region, pathTo(region)));
        } catch (e) {
            toast(e.message);
            return restoreUrl(previous, push);
        }
    }
    current = code;
    if (push) history.pushState({ scope: code }, '', `/?scope=${encodeURIComponent(code)}`);
}

/** After a refused back/forward the address names a scope not shown: put the shown one back. */
function restoreUrl(previous, push) {
    if (!push) history.replaceState({ scope: previous }, '', `/?scope=${encodeURIComponent(previous)}`);
}

window.addEventListener('popstate', e => {
    const code = e.state?.scope ?? new URLSearchParams(location.search).get('scope') ?? config.home;
    goTo(code, { push: false });
});

// ---------- clock and countdowns ----------
const clockTime = document.querySelector('#clock .time');
const clockDate = document.querySelector('#clock .date');
function tick() {
    const t = now();
    setText(clockTime, formatTime(t));
    setText(clockDate, formatDate(t));
    lists.tick();
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}

// ---------- start: what the server rendered, then live ----------
history.replaceState({ scope: config.scope.code }, '', location.href);
applySnapshot({ serverTime: config.serverTime, scope: config.scope, path: config.path, children: config.children, counters: config.counters });
tick();
setLive('connecting');
live.start();
