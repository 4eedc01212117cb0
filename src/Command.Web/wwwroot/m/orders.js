// 调度指令 on the phone: the orders sent to this worker, at the top of 我的任务. GET /api/orders?box=received, then
// `order` pushes on the inbox hub (Watch() joins the worker's group). A new order rings (Web Audio) and shows a system
// notification when the worker has allowed them. 签收 is one tap; 反馈 takes text and photos (made small first), each
// photo uploaded to the order before the report names it.
import { api } from './api.js';
import { prepareAll } from './photos.js';

const orders = new Map();
let box = null;
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
    box = el('section', { id: 'orders', className: 'orders' });
    options.before.before(box);
    render();
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

function render() {
    if (!box) return;
    const list = [...orders.values()].sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt)).slice(0, 20);
    const head = el('div', { className: 'row-between' }, el('h2', { textContent: '调度指令' }),
        'Notification' in window && Notification.permission === 'default'
            ? el('button', { type: 'button', className: 'ghost', textContent: '开启通知', onclick: () => Notification.requestPermission().then(render) })
            : null);
    box.replaceChildren(head, list.length ? el('ul', { className: 'cards' }, ...list.map(card)) : el('p', { className: 'empty', textContent: '暂无指令' }));
}

function card(order) {
    const mine = order.targets[0];
    const li = el('li', { className: `card order ${mine?.unsigned ? 'late' : ''}` },
        el('strong', { textContent: order.text }),
        el('p', { className: 'muted', textContent: `${order.issuerName} · 签收截止 ${time(order.signBy)} · 反馈截止 ${time(order.feedbackBy)}` }),
        el('p', { className: 'status', textContent: mine?.statusName ?? '' }));
    li.dataset.order = order.id;
    li.dataset.status = mine?.status ?? '';
    if (mine?.feedbackText) li.append(el('p', { textContent: `已反馈：${mine.feedbackText}` }));
    if (mine?.status === 'pending') {
        li.append(el('button', { type: 'button', className: 'primary', textContent: '签收', onclick: () => sign(order.id) }));
    } else if (mine) {
        const note = el('textarea', { rows: 2, maxLength: 2000, placeholder: '反馈内容', required: true });
        const input = el('input', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
        const thumbs = el('div', { className: 'thumbs' });
        let photos = [];
        input.addEventListener('change', async () => { photos = await prepareAll(input, thumbs); });
        const form = el('form', { className: 'panel' }, note, el('label', { className: 'file' }, el('span', { className: 'pick', textContent: '拍照或选择照片' }), input), thumbs,
            el('button', { type: 'submit', className: 'primary', textContent: mine.status === 'reported' ? '再次反馈' : '反馈' }));
        form.addEventListener('submit', async event => {
            event.preventDefault();
            form.querySelector('button').disabled = true;
            try {
                const ids = [];
                for (const p of photos) {
                    const data = new FormData();
                    data.append('file', p.blob, p.name);
                    ids.push((await api('POST', `/api/orders/${order.id}/photos`, data)).id);
                }
                keep(await api('POST', `/api/orders/${order.id}/feedback`, { text: note.value, photos: ids }), false);
                toast('已反馈');
                render();
            } catch (e) {
                toast(e.message || '反馈失败，请稍后重试');
                form.querySelector('button').disabled = false;
            }
        });
        li.append(form);
    }
    return li;
}

async function sign(id) {
    try {
        keep(await api('POST', `/api/orders/${id}/sign`), false);
        toast('已签收');
    } catch (e) {
        toast(e.message || '签收失败，请稍后重试');
    }
    render();
}
