// Small helpers shared by the screen's modules: DOM building (text only, never HTML from data), HTTP, China time.

/** Creates an element. `props` may hold className, text, dataset, attrs, on (event handlers); children are nodes or strings. */
export function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    if (props.className) node.className = props.className;
    if (props.text != null) node.textContent = String(props.text);
    if (props.title) node.title = props.title;
    for (const [k, v] of Object.entries(props.dataset ?? {})) node.dataset[k] = String(v);
    for (const [k, v] of Object.entries(props.attrs ?? {})) if (v != null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
    for (const [k, v] of Object.entries(props.on ?? {})) node.addEventListener(k, v);
    for (const child of children) if (child != null && child !== false) node.append(child);
    return node;
}

/** Sets text only when it changed (cheap to call on every update). */
export function setText(node, text) {
    const value = String(text);
    if (node && node.textContent !== value) node.textContent = value;
}

/** Thrown by getJson/postJson: the problem detail's `detail` or `title` in Chinese, and the status (0: no answer). */
export class ApiError extends Error {
    constructor(message, status, body = null) {
        super(message);
        this.status = status;
        this.body = body;
    }
}

// Methods that change something. The server refuses a cookie-authenticated write without X-Command-Csrf: another
// site can make the browser post a form with our cookie, but cannot add a header to it.
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function send(url, method, payload) {
    const headers = { accept: 'application/json' };
    if (WRITES.has(method)) headers['X-Command-Csrf'] = '1';
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
        response = await fetch(url, { method, credentials: 'same-origin', headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    } catch {
        throw new ApiError('网络连接失败，请稍后重试', 0);
    }
    if (response.status === 401) {
        checkSignIn();
        throw new ApiError(SIGNED_OUT, 401);
    }
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
        throw new ApiError(body?.detail || body?.title || `请求失败（${response.status}）`, response.status, body);
    }
    return body;
}

export const getJson = url => send(url, 'GET');
/** POSTs `payload` (if any) as JSON; a refusal throws ApiError with the problem's Chinese detail. */
export const postJson = (url, payload) => send(url, 'POST', payload);

// ---- the sign-in: a screen runs for weeks, its cookie may expire under it ----

export const SIGNED_OUT = '登录已过期，请重新登录';
const SIGN_IN_CHECK_MS = 10_000;
let signInCheck = null;
let signedOut = false;

/** Where to sign in again and come back to what is on the screen now. */
export const loginUrl = () => `/login?ReturnUrl=${encodeURIComponent(location.pathname + location.search)}`;

/**
 * Asks GET /api/me whether the sign-in still holds (after a 401, or when the live connection cannot start). On 401
 * it fires `command:signed-out` on window (with the sign-in address as detail); unless a listener calls
 * preventDefault(), it goes to the sign-in page at once. One check at a time, at most one per 10 s; answers
 * true (signed in), false (signed out) or null (the server could not say).
 */
export function checkSignIn() {
    if (signedOut) return Promise.resolve(false);
    if (signInCheck) return signInCheck;
    signInCheck = fetch('/api/me', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
        .then(response => {
            if (response.status !== 401) return response.ok ? true : null;
            signedOut = true;
            const url = loginUrl();
            if (window.dispatchEvent(new CustomEvent('command:signed-out', { detail: url, cancelable: true }))) location.assign(url);
            return false;
        })
        .catch(() => null)
        .finally(() => setTimeout(() => { signInCheck = null; }, SIGN_IN_CHECK_MS));
    return signInCheck;
}

// ---- time: the server's clock, read in China time ----

let offset = 0;

/** Keeps the difference between the server's clock (ms since the epoch) and ours. */
export function syncClock(serverTime) {
    if (typeof serverTime === 'number' && serverTime > 0) offset = serverTime - Date.now();
}

/** The server's now, in ms. */
export const now = () => Date.now() + offset;

const zone = 'Asia/Shanghai';
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });
const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const shortFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, month: '2-digit', day: '2-digit' });
const keyFmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });

const toMs = t => (typeof t === 'number' ? t : Date.parse(t));

/** "2026年11月21日星期六" → split so the weekday reads apart. */
export function formatDate(t) {
    return dateFmt.format(toMs(t)).replace(/(星期.)$/, ' $1');
}

export const formatTime = t => timeFmt.format(toMs(t));

/** "14:05" today, "11-20 14:05" another day, "" for nothing. */
export function formatWhen(t) {
    if (t == null) return '';
    const ms = toMs(t);
    if (Number.isNaN(ms)) return '';
    const sameDay = keyFmt.format(ms) === keyFmt.format(now());
    return sameDay ? shortFmt.format(ms) : `${dayFmt.format(ms)} ${shortFmt.format(ms)}`;
}

/** A full time for cards: "11-20 14:05:09". */
export function formatFull(t) {
    if (t == null) return '—';
    const ms = toMs(t);
    return Number.isNaN(ms) ? '—' : `${dayFmt.format(ms)} ${timeFmt.format(ms)}`;
}

/** A span as "2天3小时", "3:05:09" or "4:09". */
export function formatSpan(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const pad = n => String(n).padStart(2, '0');
    if (d > 0) return `${d}天${h}小时`;
    return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

export const WORKER_STATUS = ['离线', '在岗', '巡查中', '处置中'];
export const RISK_NAMES = { green: '绿色', yellow: '黄色', red: '红色' };
