// 调度指令 on the phone: the orders sent to this worker, at the top of 我的任务. GET /api/orders?box=received, then
// `order` pushes on the inbox hub (Watch() joins the worker's group). A new order rings (Web Audio) and shows a system
// notification when the worker has allowed them. 签收 is one tap; 反馈 takes text and photos (made small first).
// Both go through the outbox: offline they wait on the phone (the card says 待发送) and go out when the network is back,
// the 反馈 with its photos uploaded to the order first and its outbox id as Idempotency-Key, so it is kept once.
// A 反馈 being written is a draft: the card's form is built once and kept across renders (a push, the outbox changing),
// its text saved in localStorage (per account and order) as it is typed and its photos in IndexedDB once made small, so a
// reload finds it too; the draft is cleared once the 反馈 is in the outbox.
import { api, newId } from './api.js';
import { kv } from './store.js';
import { currentOwner, discard, enqueue, mine, onOutboxChange, onSent } from './outbox.js';
import { prepare, storable } from './photos.js';

const orders = new Map();
const cards = new Map();   // order id → { li, info, form? }: kept, so a render never takes a form out of the page
let queued = [];           // the signed-in account's order items in the outbox (waiting or refused)
let box = null;
let head = null;
let list = null;
let empty = null;
let toast = () => {};

function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter(c => c != null));
    return node;
}

const time = iso => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** Starts the list in front of `before` (the task list) and the live feed. */
export function startOrders(options) {
    toast = options.toast;
    if (box) { load(); return; }   // signed in again: the list and its connection are there already
    head = el('div', { className: 'row-between' });
    list = el('ul', { className: 'cards' });
    empty = el('p', { className: 'empty', textContent: '暂无指令' });
    box = el('section', { id: 'orders', className: 'orders' }, head, list, empty);
    options.before.before(box);
    onOutboxChange(() => reloadQueued());
    onSent(sent);
    reloadQueued();
    load();
    if (window.signalR) watch();
}

async function load() {
    try {
        for (const order of await api('GET', '/api/orders?box=received')) keep(order, false);
    } catch {
        // Offline: the list fills when the network returns (the hub's reconnect loads it again).
    }
    render();
}

async function reloadQueued() {
    queued = (await mine()).filter(i => i.kind === 'order');
    render();
}

/** An order item the outbox delivered: the answer is the order as it now stands. Refusals are told by the app. */
function sent(item, error, answer) {
    if (item.kind !== 'order' || error) return;
    if (answer?.id) keep(answer, false);
    toast(item.action === 'sign' ? '已签收' : '已反馈');
    render();
}

function watch() {
    const connection = new signalR.HubConnectionBuilder()
        .withUrl('/hubs/inbox', { headers: { 'X-Command-Csrf': '1' } })
        .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => [0, 2000, 5000, 10000, 30000][Math.min(ctx.previousRetryCount, 4)] })
        .configureLogging(signalR.LogLevel.None)
        .build();
    connection.on('order', order => { keep(order, true); render(); });
    connection.onreconnected(() => connection.invoke('Watch').then(load).catch(() => {}));
    connection.start().then(() => connection.invoke('Watch')).then(load).catch(() => {});
}

function keep(order, pushed) {
    const known = orders.get(order.id);
    if (known && known.version >= order.version) return;
    orders.set(order.id, order);
    if (pushed && !known) ring(order);
}

/** Sound and a system notification for a new order. */
function ring(order) {
    try {
        const audio = new AudioContext();
        for (const [i, f] of [880, 660, 880].entries()) {
            const osc = audio.createOscillator();
            osc.frequency.value = f;
            osc.connect(audio.destination);
            osc.start(audio.currentTime + i * 0.25);
            osc.stop(audio.currentTime + i * 0.25 + 0.2);
        }
    } catch { /* no audio before a tap: the notification and the list still show it */ }
    if ('Notification' in window && Notification.permission === 'granted') {
        // Through the service worker where there is one: Android's Chrome refuses `new Notification` on a page.
        const options = { body: `${order.issuerName}：${order.text}`, tag: order.id };
        const shown = navigator.serviceWorker?.controller
            ? navigator.serviceWorker.ready.then(r => r.showNotification('新调度指令', options))
            : Promise.resolve().then(() => new Notification('新调度指令', options));
        shown.catch(() => { /* the sound and the card still tell */ });
    }
    toast(`新调度指令：${order.text}`, 5000);
}

/**
 * Brings the list up to date in place: each card's text is redrawn, but cards and their forms stay in the page (a new order
 * is inserted before them), so what the worker is typing keeps its text, focus and input method.
 */
function render() {
    if (!box) return;
    const shown = [...orders.values()].sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt)).slice(0, 20);
    head.replaceChildren(el('h2', { textContent: '调度指令' }),
        'Notification' in window && Notification.permission === 'default'
            ? el('button', { type: 'button', className: 'ghost', textContent: '开启通知', onclick: () => Notification.requestPermission().then(render) })
            : null);
    const keepIds = new Set(shown.map(o => o.id));
    for (const [id, c] of cards) {
        if (!keepIds.has(id)) { c.li.remove(); cards.delete(id); }
    }

    shown.forEach((order, i) => {
        const c = cardFor(order);
        fill(c, order);
        if (list.children[i] !== c.li) list.insertBefore(c.li, list.children[i] || null);
    });
    empty.hidden = shown.length > 0;
}

function cardFor(order) {
    let c = cards.get(order.id);
    if (!c) {
        c = { li: el('li', { className: 'card order' }), info: el('div', { className: 'order-info' }) };
        c.li.dataset.order = order.id;
        c.li.append(c.info);
        cards.set(order.id, c);
    }

    return c;
}

const describe = item => (item.action === 'sign' ? '签收' : '反馈');

/** The card as the server last said, with what waits in the outbox (待发送) or was refused there laid over it. */
function fill(c, order) {
    const line = order.targets[0];
    const items = queued.filter(i => i.orderId === order.id);
    const waiting = items.filter(i => !i.refused);
    const refused = items.filter(i => i.refused);
    const signWaits = waiting.some(i => i.action === 'sign');
    const feedbackWaits = waiting.filter(i => i.action === 'feedback');
    const signed = line && (line.status !== 'pending' || signWaits);
    const last = waiting.at(-1);

    c.li.className = `card order ${line?.unsigned && !signWaits ? 'late' : ''}`.trim();
    c.li.dataset.status = line?.status ?? '';
    if (waiting.length) c.li.dataset.waiting = waiting.map(i => i.action).join(' ');
    else delete c.li.dataset.waiting;

    const status = el('p', { className: 'status' }, last ? el('span', { className: 'tag warn', textContent: `${describe(last)}待发送` }) : line?.statusName ?? '');
    c.info.replaceChildren(
        el('strong', { textContent: order.text }),
        el('p', { className: 'muted', textContent: `${order.issuerName} · 签收截止 ${time(order.signBy)} · 反馈截止 ${time(order.feedbackBy)}` }),
        status,
        line?.feedbackText ? el('p', { textContent: `已反馈：${line.feedbackText}` }) : null,
        ...feedbackWaits.map(i => el('p', { className: 'muted', textContent: `待发送的反馈：${i.text}${i.photos.length ? `（照片 ${i.photos.length} 张）` : ''}` })),
        ...refused.map(refusal),
        line && !signed && !refused.some(i => i.action === 'sign')
            ? el('button', { type: 'button', className: 'primary', textContent: '签收', onclick: () => sign(order.id) })
            : null);

    if (signed) {
        const form = c.form || (c.form = feedbackForm(order.id));
        form.querySelector('button[type=submit]').textContent = line.status === 'reported' || feedbackWaits.length ? '再次反馈' : '反馈';
        if (form.parentNode !== c.li) c.li.append(form);
    } else {
        c.form?.remove(); // its 签收 was refused: the draft stays with the form until it is signed
    }
}

/** What the server refused for good, with its reason, and the button that deletes it from the phone. */
function refusal(item) {
    const remove = el('button', { type: 'button', className: 'ghost small', textContent: '删除' });
    remove.addEventListener('click', async () => {
        if (!confirm(`删除后无法恢复${item.photos?.length ? `（含照片 ${item.photos.length} 张）` : ''}。确定删除？`)) return;
        await discard(item.id);
    });
    return el('div', { className: 'refused' },
        el('p', { className: 'error reason', textContent: `${describe(item)}未被接受：${item.refused.reason}` }), remove);
}

async function sign(id) {
    if (await enqueue({ id: newId(), kind: 'order', action: 'sign', orderId: id })) {
        if (!navigator.onLine) toast('离线：签收已保存在手机上，联网后自动发送', 4000);
    }
}

// ---- the 反馈 draft ------------------------------------------------------------------------------------------------

const textKey = id => `command.order-draft.${currentOwner()}.${id}`;
const photosKey = id => `order-draft:${id}`; // kv: cleared with the rest when the worker signs out

/** The 反馈 form of one order, with its draft; built once per order and kept by the card. */
function feedbackForm(id) {
    const note = el('textarea', { rows: 2, maxLength: 2000, placeholder: '反馈内容', required: true });
    const input = el('input', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
    const thumbs = el('div', { className: 'thumbs' });
    const submit = el('button', { type: 'submit', className: 'primary', textContent: '反馈' });
    const form = el('form', { className: 'panel' }, note,
        el('label', { className: 'file' }, el('span', { className: 'pick', textContent: '拍照或选择照片' }), input), thumbs, submit);
    let photos = [];
    const show = () => thumbs.replaceChildren(...photos.map(p => el('img', { src: p.url ||= URL.createObjectURL(p.blob), alt: '照片' })));

    note.value = localStorage.getItem(textKey(id)) || '';
    note.addEventListener('input', () => localStorage.setItem(textKey(id), note.value));
    kv.get(photosKey(id)).then(kept => {
        if (kept?.length && photos.length === 0) { photos = kept; show(); }
    }).catch(() => { /* no photos kept */ });

    // The picked photos replace the draft's, shown once made small and kept (a reload then finds them).
    input.addEventListener('change', async () => {
        const picked = [];
        for (const file of input.files || []) picked.push(await prepare(file));
        photos = picked;
        await kv.set(photosKey(id), storable(photos)).catch(() => { /* kept for this page only */ });
        show();
    });

    form.addEventListener('submit', async event => {
        event.preventDefault();
        const text = note.value.trim();
        if (!text) return;
        submit.disabled = true;
        try {
            if (!await enqueue({ id: newId(), kind: 'order', action: 'feedback', orderId: id, text, photos: storable(photos) })) return;
            // In the outbox now, which sends it: the draft is done.
            localStorage.removeItem(textKey(id));
            await kv.remove(photosKey(id)).catch(() => {});
            note.value = '';
            input.value = '';
            photos = [];
            show();
            if (!navigator.onLine) toast('离线：反馈已保存在手机上，联网后自动发送', 4000);
        } finally {
            submit.disabled = false;
        }
    });
    return form;
}
