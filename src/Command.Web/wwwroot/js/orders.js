// 调度指令 on the big screen: a panel over the map listing the orders in flight that the user's unit issued, each with
// its progress (x/y 已签收, 已反馈, 未签收/未反馈 warnings) and every receiver's state, live; a marker on the map at each
// in-flight order's place; and a form to issue one (receivers, text, limits, linked open cases, attachments, a place
// picked on the big map). Orders come from GET /api/orders, then as `order` pushes on the inbox hub (the user's unit is
// the issuer's group).

/* global signalR, L */
import { el, getJson, postJson, setText, formatTime, ApiError } from './util.js';
import { callButton } from '../video/call.js';

const ISSUERS = new Set(['Leader', 'DutyOfficer', 'TownshipCenter']);
const DONE_KEEP_MS = 10 * 60 * 1000;   // a finished order stays on the wall this long
const OPEN_CASES = '/api/cases?status=accepted,dispatched,in_progress,resolved&pageSize=20&q=';   // searched on the server
const SEARCH_DELAY_MS = 250;   // typing pauses this long before the case search is sent
const FILE_TYPES = 'image/jpeg,image/png,image/webp,application/pdf';

/**
 * Uploads each file as an attachment of the order about to be issued, adding each stored one to `stored` as it goes (and
 * to `sent`, so a retry after a failure does not send it again); throws the Chinese reason of the first that fails.
 */
async function uploadFiles(files, stored, sent) {
    for (const file of files) {
        if (sent.has(file)) continue;
        const body = new FormData();
        body.append('file', file, file.name);
        let response;
        try {
            response = await fetch('/api/orders/attachments', { method: 'POST', body, credentials: 'same-origin', headers: { 'X-Command-Csrf': '1' } });
        } catch {
            throw new ApiError('网络连接失败，请稍后重试', 0);
        }
        const answer = await response.json().catch(() => null);
        if (!response.ok) throw new ApiError(answer?.detail || `附件「${file.name}」上传失败（${response.status}）`, response.status, answer);
        stored.push(answer);
        sent.add(file);
    }
}

const place = (lat, lon) => `${lat.toFixed(5)}，${lon.toFixed(5)}`;

/**
 * Follows a receiver up by video, the call logged against the order; departments take no calls, so none for them. The
 * button is the cards' 视频通话 (empty for roles that start no calls).
 */
function followUp(target, order, role) {
    return target.key.startsWith('dept-') ? null : callButton(role, target.key, target.name, { orderId: order.id, text: '视频' });
}

/** Wires the panel into `frame` (the map frame) for `user`; nothing for a role that issues no orders. `map` is the Leaflet map. */
export function createOrders({ frame, user, toast, map }) {
    if (!ISSUERS.has(user.role)) return null;
    const orders = new Map();
    const pins = new Map();           // order id → its place's marker while in flight
    const list = el('ul', { className: 'orders-list', attrs: { id: 'orders' } });
    const count = el('small', { attrs: { id: 'orders-count' } });
    const panel = el('section', { className: 'orders-panel', attrs: { id: 'orders-panel' } },
        el('header', {},
            el('h3', {}, '调度指令', count),
            el('button', { className: 'order-new', text: '下达指令', attrs: { type: 'button', 'data-order-new': '' }, on: { click: () => openForm() } })),
        list);
    frame.append(panel);

    function upsert(order) {
        const known = orders.get(order.id);
        if (known && known.version > order.version) return;
        orders.set(order.id, { ...order, seenAt: Date.now() });
        render();
    }

    function render() {
        const now = Date.now();
        const shown = [...orders.values()]
            .filter(o => o.open || now - o.seenAt < DONE_KEEP_MS)
            .sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));
        setText(count, `在办 ${shown.filter(o => o.open).length}`);
        panel.classList.toggle('busy', shown.length > 0);
        list.replaceChildren(...shown.map(row));
        drawPins(shown.filter(o => o.open && o.lat != null && o.lon != null));
    }

    /** One marker per in-flight order with a place; finished orders' markers go. */
    function drawPins(placed) {
        if (!map || !window.L) return;
        const keep = new Set(placed.map(o => o.id));
        for (const [id, pin] of pins) {
            if (!keep.has(id)) { pin.remove(); pins.delete(id); }
        }
        for (const o of placed) {
            // A node, not a string: Leaflet writes a string tooltip as HTML, and the text is the issuer's.
            const label = el('span', { text: `调度指令：${o.text}` });
            let pin = pins.get(o.id);
            if (!pin) {
                const icon = L.divIcon({ className: 'order-pin', html: `<span data-order-pin="${o.id}">令</span>`, iconSize: [26, 26], iconAnchor: [13, 13] });
                pin = L.marker([o.lat, o.lon], { icon, keyboard: false, zIndexOffset: 900 }).bindTooltip(label, { direction: 'top' }).addTo(map);
                pins.set(o.id, pin);
            }
            pin.setLatLng([o.lat, o.lon]);
            pin.setTooltipContent(label);
            pin.getElement()?.classList.toggle('warn', o.warnings > 0);
        }
    }

    function row(o) {
        const targets = el('div', { className: 'order-targets' }, ...o.targets.map(t =>
            el('span', { className: `order-target ${t.unsigned || t.unreported ? 'warn' : t.status}`, dataset: { target: t.key, status: t.unsigned ? 'unsigned' : t.unreported ? 'unreported' : t.status }, title: t.feedbackText ?? '' },
                t.name, el('em', { text: t.statusName }), followUp(t, o, user.role))));
        return el('li', { className: `order ${o.warnings ? 'warn' : ''}`, dataset: { order: o.id } },
            el('div', { className: 'order-text', text: o.text }),
            el('div', { className: 'order-progress' },
                el('span', { dataset: { signed: o.signed }, text: `${o.signed}/${o.total} 已签收` }),
                el('span', { dataset: { reported: o.reported }, text: `${o.reported} 已反馈` }),
                warned(o, t => t.unsigned, 'unsigned', '超时未签收'),
                warned(o, t => t.unreported, 'unreported', '超时未反馈'),
                el('span', { className: 'when', text: `签收截止 ${formatTime(Date.parse(o.signBy))}` })),
            extras(o),
            targets);
    }

    function warned(o, which, name, text) {
        const n = o.targets.filter(which).length;
        return n ? el('span', { className: 'bad', dataset: { warnings: n, [name]: n }, text: `${n} ${text}` }) : null;
    }

    /** Linked cases, the place (a click centres the map on it) and the attachments, when the order has any. */
    function extras(o) {
        const parts = [];
        if (o.caseCodes?.length) parts.push(el('span', { className: 'order-cases', text: `关联案件 ${o.caseCodes.join('、')}` }));
        if (o.lat != null && o.lon != null) {
            parts.push(el('a', { className: 'order-place', text: `位置 ${place(o.lat, o.lon)}`, attrs: { href: '#', 'data-order-place': '' },
                on: { click: e => { e.preventDefault(); map?.setView([o.lat, o.lon], Math.max(map.getZoom(), 13)); } } }));
        }
        for (const a of o.attachments ?? []) {
            parts.push(el('a', { className: 'order-file', text: a.name, attrs: { href: a.url, target: '_blank', rel: 'noopener', 'data-order-attachment': a.id } }));
        }
        return parts.length ? el('div', { className: 'order-extras' }, ...parts) : null;
    }

    // ---------- the form ----------
    let form = null;
    async function openForm() {
        if (form) return;
        let targets;
        try {
            targets = await getJson('/api/orders/targets');
        } catch (e) {
            toast(`无法加载接收对象：${e.message}`);
            return;
        }
        const picked = new Set();
        const filter = el('input', { attrs: { type: 'search', placeholder: '筛选接收对象', 'data-order-filter': '' } });
        const options = el('div', { className: 'order-options' });
        const drawOptions = () => {
            const q = filter.value.trim();
            options.replaceChildren(...targets.filter(t => !q || t.name.includes(q) || t.key.includes(q)).slice(0, 200).map(t =>
                el('label', { dataset: { option: t.key } },
                    el('input', { attrs: { type: 'checkbox', checked: picked.has(t.key) }, on: { change: e => e.target.checked ? picked.add(t.key) : picked.delete(t.key) } }),
                    t.name)));
        };
        filter.addEventListener('input', drawOptions);
        drawOptions();
        const local = ms => { const d = new Date(ms + 8 * 3600 * 1000); return d.toISOString().slice(0, 19); };   // China time, to the second
        const text = el('textarea', { attrs: { rows: 3, maxlength: 2000, placeholder: '指令内容', 'data-order-text': '' } });
        const signBy = el('input', { attrs: { type: 'datetime-local', step: 1, value: local(Date.now() + 30 * 60 * 1000), 'data-order-sign-by': '' } });
        const feedbackBy = el('input', { attrs: { type: 'datetime-local', step: 1, value: local(Date.now() + 24 * 3600 * 1000), 'data-order-feedback-by': '' } });
        const error = el('p', { className: 'order-error', attrs: { role: 'alert' } });
        const send = el('button', { text: '下达', attrs: { type: 'submit' } });

        // Linked cases: picked from the open cases in the user's sight, searched by code or title on the server as the user
        // types (after a pause; an answer to an older query than the box now holds is dropped).
        const linked = new Map();     // code → title
        let found = [];
        let searched = '';
        let searchTimer = 0;
        const caseSearch = el('input', { attrs: { type: 'search', placeholder: '输入案件编号或标题搜索在办案件', 'data-order-case-search': '' } });
        const caseOptions = el('div', { className: 'order-options order-case-options' });
        const caseChips = el('div', { className: 'order-chips', attrs: { 'data-order-cases': '' } });
        const drawCases = () => {
            caseChips.replaceChildren(...[...linked].map(([code, title]) => el('span', { className: 'order-chip', dataset: { case: code } }, `${code} ${title}`,
                el('button', { text: '×', attrs: { type: 'button', title: '移除' }, on: { click: () => { linked.delete(code); drawCases(); } } }))));
            const shown = caseSearch.value.trim() ? found.filter(c => !linked.has(c.code)) : [];
            caseOptions.replaceChildren(...shown.map(c => el('button', { className: 'order-case', text: `${c.code} ${c.title}`, dataset: { caseOption: c.code },
                attrs: { type: 'button' }, on: { click: () => { if (linked.size < 10) linked.set(c.code, c.title); caseSearch.value = ''; found = []; drawCases(); } } })));
        };
        const searchCases = async () => {
            const q = caseSearch.value.trim().slice(0, 50);
            searched = q;
            if (!q) {
                found = [];
                drawCases();
                return;
            }
            try {
                const items = (await getJson(OPEN_CASES + encodeURIComponent(q))).items ?? [];
                if (searched !== q) return;
                found = items;
                error.textContent = '';
            } catch (e) {
                if (searched !== q) return;
                found = [];
                error.textContent = `无法搜索在办案件：${e.message}`;
            }
            drawCases();
        };
        caseSearch.addEventListener('input', () => {
            clearTimeout(searchTimer);
            searchTimer = setTimeout(searchCases, SEARCH_DELAY_MS);
        });

        // Attachments, uploaded when the order is sent (kept if the order is then refused, so a retry does not send them again).
        const files = el('input', { attrs: { type: 'file', multiple: true, accept: FILE_TYPES, 'data-order-files': '' } });
        const uploaded = [];
        const sent = new Set();   // the chosen files already stored (kept when a later one fails)
        const uploadedText = el('small', { className: 'order-uploaded' });

        // The place: a click on the big map while picking (an overlay takes it, so the map does not drill down).
        let chosen = null;
        let pin = null;
        const placeText = el('span', { className: 'order-place-text', attrs: { 'data-order-place-text': '' }, text: '未选择' });
        const clearPlace = el('button', { text: '清除', attrs: { type: 'button', hidden: true }, on: { click: () => setPlace(null) } });
        const setPlace = at => {
            chosen = at;
            pin?.remove();
            pin = at && map ? L.circleMarker([at.lat, at.lon], { radius: 9, color: '#fff', weight: 2, fillColor: '#ffb020', fillOpacity: 1 }).addTo(map) : null;
            setText(placeText, at ? place(at.lat, at.lon) : '未选择');
            clearPlace.hidden = !at;
        };
        const pickPlace = () => {
            if (!map) return;
            form.style.display = 'none';
            const hint = el('div', { className: 'order-picking', attrs: { 'data-order-picking': '' } }, el('span', { text: '点击地图选择指令位置，按 Esc 取消' }));
            const done = () => { hint.remove(); document.removeEventListener('keydown', onKey); if (form) form.style.display = ''; };
            const onKey = e => { if (e.key === 'Escape') done(); };
            hint.addEventListener('click', e => {
                const at = map.mouseEventToLatLng(e);
                setPlace({ lat: at.lat, lon: at.lng });
                done();
            });
            document.addEventListener('keydown', onKey);
            frame.append(hint);
        };
        const pickButton = el('button', { className: 'order-pick', text: '在地图上选点', attrs: { type: 'button', 'data-order-pick': '' }, on: { click: pickPlace } });
        form = el('form', { className: 'order-form card', attrs: { id: 'order-form' } },
            el('header', {}, el('h3', { text: '下达调度指令' }),
                el('button', { className: 'close', text: '×', attrs: { type: 'button', title: '关闭' }, on: { click: close } })),
            el('div', { className: 'body' },
                el('label', {}, '接收对象', filter), options,
                el('label', {}, '内容', text),
                el('label', {}, '签收截止', signBy),
                el('label', {}, '反馈截止', feedbackBy),
                el('label', {}, '关联案件（可选）', caseSearch), caseOptions, caseChips,
                el('label', {}, '附件（可选：图片、PDF）', files), uploadedText,
                el('div', { className: 'order-place-row' }, el('span', { text: '位置（可选）：' }), placeText, pickButton, clearPlace),
                error, send));
        form.addEventListener('submit', async e => {
            e.preventDefault();
            send.disabled = true;
            try {
                // datetime-local is China time (the wall's zone): say so, so the server reads the instant meant.
                const iso = v => v ? `${v.length === 16 ? v + ':00' : v}+08:00` : undefined;
                // Files stored before one failed stay in `uploaded` (and are not sent again): the retry sends only the rest.
                try {
                    await uploadFiles([...files.files], uploaded, sent);
                    files.value = '';
                    sent.clear();
                } finally {
                    setText(uploadedText, uploaded.length ? `已上传：${uploaded.map(a => a.name).join('、')}` : '');
                }
                const order = await postJson('/api/orders', {
                    targets: [...picked], text: text.value, signBy: iso(signBy.value), feedbackBy: iso(feedbackBy.value),
                    caseCodes: [...linked.keys()], attachments: uploaded.map(a => a.id), lat: chosen?.lat, lon: chosen?.lon,
                });
                upsert(order);
                toast('指令已下达', 'info');
                close();
            } catch (err) {
                error.textContent = err.message;
            } finally {
                send.disabled = false;
            }
        });
        onClose = () => setPlace(null);
        frame.append(form);
    }
    let onClose = null;
    function close() {
        onClose?.();
        onClose = null;
        form?.remove();
        form = null;
    }

    // ---------- live ----------
    async function load() {
        try {
            for (const order of await getJson('/api/orders?box=issued')) upsert(order);
        } catch (e) {
            toast(`调度指令加载失败：${e.message}`);
        }
        render();
    }
    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/inbox')
        .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => [0, 1000, 2000, 5000, 10000][Math.min(ctx.previousRetryCount, 4)] })
        .configureLogging(signalR.LogLevel.None)
        .build();
    connection.on('Order', upsert);
    connection.on('SignedOut', () => connection.stop().catch(() => {}));
    connection.onreconnected(async () => { await connection.invoke('Watch').catch(() => {}); await load(); });
    (async () => {
        try {
            await connection.start();
            await connection.invoke('Watch');
        } catch {
            // The list still shows what was loaded; the next reconnect tries again.
        }
        await load();
    })();
    setInterval(render, 60 * 1000);
    return { upsert, openForm };
}
