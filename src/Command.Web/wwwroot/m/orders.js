// 调度指令 on the phone: the orders sent to this worker, at the top of 我的任务. GET /api/orders?box=received, then
// `order` pushes on the inbox hub (Watch() joins the worker's group). A new order rings (Web Audio) and shows a system
// notification when the worker has allowed them. 签收 is one tap; 反馈 takes text and photos (made small first).
// Both go through the outbox: offline they wait on the phone (the card says 待发送) and go out when the network is back,
// the 反馈 with its photos uploaded to the order first and its outbox id as Idempotency-Key, so it is kept once.
// A 反馈 being written is a draft: the card's form is built once and kept across renders (a push, the outbox changing),
// its text saved as it is typed and its photos once made small, both in IndexedDB per account and order (so a reload finds
// them, the next worker on a shared phone does not, and 退出 clears them); the draft is cleared once the 反馈 is in the
// outbox. A 反馈 the server refused shows its text and photos and can go back into the draft (改后重发).
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
let shownFor = null;       // the account whose orders and drafts the list holds
const signing = new Set(); // order ids whose 签收 is being queued (a double tap queues one)

function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter(c => c != null));
    return node;
}

const time = iso => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** Starts the list in front of `before` (the task list) and the live feed. */
export function startOrders(options) {
    toast = options.toast;
    if (box) { forget(); reloadQueued(); load(); return; } // signed in again: the list and its connection are there already
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

/** Another account signed in on this page: the last one's orders and drafts (its forms) leave the page. */
function forget() {
    if (shownFor === currentOwner()) return;
    shownFor = currentOwner();
    orders.clear();
    for (const c of cards.values()) { c.form?.release(); c.li.remove(); }
    cards.clear();
}

async function load() {
    forget();
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
    queued = queued.filter(i => i.id !== item.id); // no longer 待发送, before the outbox's own change comes round
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
            ? el('button', { type: 'button', className: 'primary', textContent: '签收', disabled: signing.has(order.id), onclick: event => sign(order.id, event.target) })
            : null);

    if (signed) {
        const form = formOf(c, order.id);
        form.querySelector('button[type=submit]').textContent = line.status === 'reported' || feedbackWaits.length ? '再次反馈' : '反馈';
        if (form.parentNode !== c.li) c.li.append(form);
    } else {
        c.form?.remove(); // its 签收 was refused: the draft stays with the form until it is signed
    }
}

const formOf = (c, id) => c.form || (c.form = feedbackForm(id));

/**
 * What the server refused for good, with its reason and (a 反馈) what it said; 删除 deletes it from the phone, and a 反馈 can
 * go back into the order's draft (改后重发) to be changed and sent again.
 */
function refusal(item) {
    const remove = el('button', { type: 'button', className: 'ghost small', textContent: '删除' });
    remove.addEventListener('click', async () => {
        if (!confirm(`删除后无法恢复${item.photos?.length ? `（含照片 ${item.photos.length} 张）` : ''}。确定删除？`)) return;
        await discard(item.id);
    });
    const retry = item.action === 'feedback' ? el('button', { type: 'button', className: 'ghost small', textContent: '改后重发' }) : null;
    retry?.addEventListener('click', async () => {
        const c = cards.get(item.orderId);
        if (!c || !await formOf(c, item.orderId).adopt(item.text, item.photos || [])) return;
        await discard(item.id);
        c.form.querySelector('textarea').focus();
    });
    return el('div', { className: 'refused' },
        el('p', { className: 'error reason', textContent: `${describe(item)}未被接受：${item.refused.reason}` }),
        item.action === 'feedback'
            ? el('p', { className: 'muted', textContent: `反馈内容：${item.text}${item.photos?.length ? `（照片 ${item.photos.length} 张）` : ''}` })
            : null,
        retry, remove);
}

/** Queues one 签收 however often it is tapped: none while one is being queued or already waits. */
async function sign(id, button) {
    if (signing.has(id)) return;
    signing.add(id);
    button.disabled = true;
    try {
        if ((await mine()).some(i => i.kind === 'order' && i.action === 'sign' && i.orderId === id && !i.refused)) return;
        if (await enqueue({ id: newId(), kind: 'order', action: 'sign', orderId: id })) {
            if (!navigator.onLine) toast('离线：签收已保存在手机上，联网后自动发送', 4000);
        }
    } finally {
        signing.delete(id);
        button.disabled = false;
        render();
    }
}

// ---- the 反馈 draft ------------------------------------------------------------------------------------------------

// kv (IndexedDB), per account and order: cleared with the rest when the worker signs out (退出).
const textKey = (owner, id) => `order-draft-text:${owner}:${id}`;
const photosKey = (owner, id) => `order-draft:${owner}:${id}`;
const oldTextKey = (owner, id) => `command.order-draft.${owner}.${id}`; // where an older page kept the text

/**
 * The 反馈 form of one order, with its draft; built once per order and kept by the card. While picked photos are being made
 * small the form waits for them (its button disabled, a submit awaits them), so a 反馈 never goes without them and never
 * finds them come back into the draft after it.
 */
function feedbackForm(id) {
    const owner = currentOwner();
    const note = el('textarea', { rows: 2, maxLength: 2000, placeholder: '反馈内容', required: true });
    const input = el('input', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
    const thumbs = el('div', { className: 'thumbs' });
    const busy = el('span', { className: 'muted', textContent: '照片处理中…', hidden: true });
    const submit = el('button', { type: 'submit', className: 'primary', textContent: '反馈' });
    const form = el('form', { className: 'panel' }, note,
        el('label', { className: 'file' }, el('span', { className: 'pick', textContent: '拍照或选择照片' }), input), thumbs, busy, submit);
    let photos = [];
    let preparing = null; // the photos being restored or made small; the draft changes only when it is over
    const release = list => list.forEach(p => { if (p.url) URL.revokeObjectURL(p.url); p.url = null; });
    const show = () => thumbs.replaceChildren(...photos.map(p => el('img', { src: p.url ||= URL.createObjectURL(p.blob), alt: '照片' })));
    const setPhotos = list => { release(photos); photos = list; show(); };
    const saveText = () => kv.set(textKey(owner, id), note.value).catch(() => { /* kept in the page only */ });

    /** Runs `work` as the form's one preparation: the button waits, and a submit waits for it. */
    const prepareWith = work => {
        const run = (async () => {
            await preparing?.catch(() => {});
            await work();
        })();
        preparing = run;
        submit.disabled = true;
        busy.hidden = false;
        run.catch(() => toast('照片处理失败，请重新选择')).finally(() => {
            if (preparing !== run) return;
            preparing = null;
            submit.disabled = false;
            busy.hidden = true;
        });
        return run;
    };

    prepareWith(async () => {
        let text = await kv.get(textKey(owner, id)).catch(() => null);
        const old = localStorage.getItem(oldTextKey(owner, id));
        if (old != null) {
            localStorage.removeItem(oldTextKey(owner, id));
            text ??= old;
            if (text) await kv.set(textKey(owner, id), text).catch(() => {});
        }

        if (text && !note.value) note.value = text;
        const kept = await kv.get(photosKey(owner, id)).catch(() => null);
        if (kept?.length && photos.length === 0) setPhotos(kept);
    }).catch(() => {});
    note.addEventListener('input', saveText);

    // The picked photos replace the draft's, shown once made small and kept (a reload then finds them).
    input.addEventListener('change', () => {
        const files = [...(input.files || [])];
        prepareWith(async () => {
            const picked = [];
            try {
                for (const file of files) picked.push(await prepare(file));
            } catch (e) {
                release(picked);
                throw e;
            }

            setPhotos(picked);
            await kv.set(photosKey(owner, id), storable(photos)).catch(() => { /* kept for this page only */ });
        }).catch(() => {});
    });

    form.addEventListener('submit', async event => {
        event.preventDefault();
        if (submit.disabled && !preparing) return; // already being queued
        submit.disabled = true;
        try {
            await preparing?.catch(() => {});
            const text = note.value.trim();
            if (!text) return;
            if (!await enqueue({ id: newId(), kind: 'order', action: 'feedback', orderId: id, text, photos: storable(photos) })) return;
            // In the outbox now, which sends it: the draft is done.
            await kv.remove(textKey(owner, id)).catch(() => {});
            await kv.remove(photosKey(owner, id)).catch(() => {});
            note.value = '';
            input.value = '';
            setPhotos([]);
            if (!navigator.onLine) toast('离线：反馈已保存在手机上，联网后自动发送', 4000);
        } finally {
            submit.disabled = !!preparing;
        }
    });

    /** A refused 反馈 back into the draft (改后重发); a draft with other text is replaced only if the worker agrees. */
    form.adopt = async (text, kept) => {
        await preparing?.catch(() => {});
        const current = note.value.trim();
        if ((current && current !== text) || photos.length) {
            if (!confirm('当前正在填写的反馈将被替换。确定？')) return false;
        }

        note.value = text;
        await saveText();
        setPhotos(kept.map(p => ({ blob: p.blob, name: p.name })));
        await kv.set(photosKey(owner, id), storable(photos)).catch(() => {});
        return true;
    };

    /** The page lets the form go (another account signed in): its thumbnails' object URLs go too. */
    form.release = () => release(photos);
    return form;
}
