// 调度指令 on the big screen: a panel over the map listing the orders in flight that the user's unit issued, each with
// its progress (x/y 已签收, 已反馈, 未签收 warnings) and every receiver's state, live; and a form to issue one. Orders come
// from GET /api/orders, then as `order` pushes on the inbox hub (the user's unit is the issuer's group).

/* global signalR */
import { el, getJson, postJson, setText, formatTime } from './util.js';

const ISSUERS = new Set(['Leader', 'DutyOfficer', 'TownshipCenter']);
const DONE_KEEP_MS = 10 * 60 * 1000;   // a finished order stays on the wall this long

/** Wires the panel into `frame` (the map frame) for `user`; nothing for a role that issues no orders. */
export function createOrders({ frame, user, toast }) {
    if (!ISSUERS.has(user.role)) return null;
    const orders = new Map();
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
    }

    function row(o) {
        const targets = el('div', { className: 'order-targets' }, ...o.targets.map(t =>
            el('span', { className: `order-target ${t.unsigned ? 'warn' : t.status}`, dataset: { target: t.key, status: t.unsigned ? 'unsigned' : t.status }, title: t.feedbackText ?? '' },
                t.name, el('em', { text: t.statusName }))));
        return el('li', { className: `order ${o.warnings ? 'warn' : ''}`, dataset: { order: o.id } },
            el('div', { className: 'order-text', text: o.text }),
            el('div', { className: 'order-progress' },
                el('span', { dataset: { signed: o.signed }, text: `${o.signed}/${o.total} 已签收` }),
                el('span', { dataset: { reported: o.reported }, text: `${o.reported} 已反馈` }),
                o.warnings ? el('span', { className: 'bad', dataset: { warnings: o.warnings }, text: `${o.warnings} 超时未签收` }) : null,
                el('span', { className: 'when', text: `签收截止 ${formatTime(Date.parse(o.signBy))}` })),
            targets);
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
        form = el('form', { className: 'order-form card', attrs: { id: 'order-form' } },
            el('header', {}, el('h3', { text: '下达调度指令' }),
                el('button', { className: 'close', text: '×', attrs: { type: 'button', title: '关闭' }, on: { click: close } })),
            el('div', { className: 'body' },
                el('label', {}, '接收对象', filter), options,
                el('label', {}, '内容', text),
                el('label', {}, '签收截止', signBy),
                el('label', {}, '反馈截止', feedbackBy),
                error, send));
        form.addEventListener('submit', async e => {
            e.preventDefault();
            send.disabled = true;
            try {
                // datetime-local is China time (the wall's zone): say so, so the server reads the instant meant.
                const iso = v => v ? `${v.length === 16 ? v + ':00' : v}+08:00` : undefined;
                const order = await postJson('/api/orders', { targets: [...picked], text: text.value, signBy: iso(signBy.value), feedbackBy: iso(feedbackBy.value) });
                upsert(order);
                toast('指令已下达', 'info');
                close();
            } catch (err) {
                error.textContent = err.message;
            } finally {
                send.disabled = false;
            }
        });
        frame.append(form);
    }
    function close() {
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
