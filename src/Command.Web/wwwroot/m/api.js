// HTTP to our own server. Every write carries the header the server asks of cookie-signed requests (CrossSiteGuard).
export const CSRF_HEADER = 'X-Command-Csrf';

/** A refusal from the server: status and RFC 7807 problem (with a Chinese detail). */
export class HttpError extends Error {
    constructor(status, problem) {
        super(problem?.detail || problem?.title || `HTTP ${status}`);
        this.status = status;
        this.problem = problem;
    }

    /** Worth sending again later: the server was busy or failing, not refusing this request. */
    get retryable() { return this.status >= 500 || this.status === 408 || this.status === 429; }
}

/** True for the error fetch throws when there is no network (or the server cannot be reached). */
export const isNetworkError = e => e instanceof TypeError;

export async function api(method, url, body, headers = {}) {
    const init = { method, credentials: 'same-origin', headers: { [CSRF_HEADER]: '1', ...headers } };
    if (body instanceof FormData) {
        init.body = body;
    } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers['Content-Type'] = 'application/json';
    }

    const response = await fetch(url, init);
    if (!response.ok) {
        let problem = null;
        try { problem = await response.json(); } catch { /* not JSON */ }
        throw new HttpError(response.status, problem);
    }

    return response.status === 204 ? null : response.json();
}

/** An id made on the phone (for a report's Idempotency-Key); crypto.randomUUID needs HTTPS, getRandomValues does not. */
export function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
