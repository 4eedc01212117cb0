// The grid worker's phone: sign-in, views and the glue between tasks, reports, patrol, SOS and the outbox.
import { api, HttpError, isNetworkError, newId } from './api.js';
import { kv, outbox } from './store.js';
import { discard, enqueue, flush, mine, onOutboxChange, onSent, othersCount, pending, refusedPositions, setOwner } from './outbox.js';
import * as gps from './gps.js';
import * as tasks from './tasks.js';
import { prepareAll, storable } from './photos.js';
import { showPatrol } from './patrol.js';
import { startOrders } from './orders.js';

const $ = id => document.getElementById(id);
function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
}

let me = null;       // GET /api/me/worker, kept for offline starts
let openCode = null; // the task shown in the detail view
let formAction = null;
let formPhotos = [];
let reportPhotos = [];

if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => { /* plain page without offline start */ });
}

function toast(text, ms = 3000) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, ms);
}

// ---- sign-in -------------------------------------------------------------------------------------------------------

async function boot() {
    try {
        me = await api('GET', '/api/me/worker');
        const before = await kv.get('me');
        await kv.set('me', me);
        await claimUnfiled(before);
    } catch (e) {
        if (e instanceof HttpError && (e.status === 401 || e.status === 403)) { showSignIn(e.status === 403 ? '该账号不是网格员账号，请使用网格员账号登录' : ''); return; }
        me = await kv.get('me'); // offline: start with what we knew
        if (!me) { showSignIn('无法连接服务器，请联网后登录'); return; }
    }

    setOwner(ownerOf(me));
    showApp();
}

/** The account the outbox files items under; a profile kept by an older page knows only the worker, until the next online start. */
const ownerOf = profile => profile.userName || `#worker-${profile.id}`;

/**
 * Items filed under this worker before the page knew the account's name, and items queued by an older page (which carried
 * no account) while this same worker was the one signed in, are this account's.
 */
async function claimUnfiled(before) {
    for (const item of await outbox.all()) {
        if (item.user === `#worker-${me.id}` || (!item.user && before?.id === me.id)) await outbox.put({ ...item, user: me.userName });
    }
}

function showSignIn(message = '') {
    setOwner(null); // whatever is queued stays filed under its account until that account signs in again
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message;
}

$('signin-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = new FormData(event.target);
    $('signin-error').textContent = '';
    try {
        await api('POST', '/api/me/session', { userName: form.get('userName').trim(), password: form.get('password') });
        event.target.reset();
        await boot();
    } catch (e) {
        $('signin-error').textContent = isNetworkError(e) ? '无法连接服务器，请检查网络' : e.message;
    }
});

$('signout').addEventListener('click', async () => {
    const pending = (await mine()).length;
    if (pending > 0 && !confirm(`还有 ${pending} 条未发送的内容，将保存在手机上，您下次登录后自动发送（不会以其他账号发送）。确定退出？`)) return;
    await gps.stop(); // the last positions are filed under this account before it leaves
    setOwner(null);
    try { await api('DELETE', '/api/me/session'); } catch { /* offline: forget locally anyway */ }
    await kv.clear();
    location.reload();
});

// ---- shell ---------------------------------------------------------------------------------------------------------

function showApp() {
    $('signin').hidden = true;
    $('app').hidden = false;
    $('who-name').textContent = me.name;
    $('who-grid').textContent = me.gridName;
    $('me-name').textContent = `${me.name}（${me.kind}）`;
    $('me-grid').textContent = `${me.gridName} · ${me.gridCode}`;
    $('me-phone').textContent = me.phone;
    $('me-device').textContent = me.deviceId;
    $('me-tracker-url').textContent = location.origin + me.trackerPath;
    showCategories();
    showSos(me.activeSos);
    tasks.onTasks(renderTasks);
    tasks.start();
    startOrders({ before: $('view-tasks').querySelector('.row-between'), toast });
    import('/_content/Command.Web/video/call.js').then(m => m.startCalls({ mode: 'phone' })).catch(() => { /* offline start: no calls */ });
    renderTasks(tasks.taskList());
    go('tasks');
    net();
    flush();
}

/** 事件上报's categories, as every form's: GET /api/categories (kept for offline starts). */
async function showCategories() {
    let categories;
    try {
        categories = await api('GET', '/api/categories');
        await kv.set('categories', categories);
    } catch {
        categories = (await kv.get('categories')) || [];
    }

    const select = document.querySelector('#report-form select[name=category]');
    select.replaceChildren(el('option', { value: '', textContent: categories.length ? '请选择类别' : '类别加载失败，请联网后重试' }),
        ...categories.map(c => el('option', { value: c.code, textContent: c.name })));
}

function go(view) {
    for (const section of document.querySelectorAll('main > .view')) section.hidden = section.id !== `view-${view}`;
    for (const tab of document.querySelectorAll('.tabs button')) tab.classList.toggle('on', tab.dataset.go === view || (view === 'task' && tab.dataset.go === 'tasks'));
    if (view === 'patrol' && me) showPatrol(me.id);
    if (view === 'report') locateReport();
    scrollTo(0, 0);
}

document.addEventListener('click', event => {
    const target = event.target.closest('[data-go]');
    if (target) go(target.dataset.go);
});

/**
 * Reports still on the phone, above the tasks, so the worker sees they are kept; and what the server refused (a report, or
 * a task's action with its photos), with its reason and a button to delete it, until the worker does.
 */
async function renderPending() {
    const kept = (await mine()).filter(i => i.kind === 'report' || (i.kind === 'action' && i.refused));
    $('pending-list').replaceChildren(...kept.map(item => {
        const card = el('li', { className: `card ${item.refused ? 'refused' : ''}`.trim() });
        card.dataset.pending = item.id;
        const title = item.kind === 'report' ? item.body.title : `${describe(item)} · ${item.code}`;
        const when = `${new Date(item.createdAt).toLocaleTimeString('zh-CN', { hour12: false })} ${item.kind === 'report' ? '上报' : describe(item)}`;
        const photos = item.photos?.length ? [el('span', { textContent: `照片 ${item.photos.length} 张` })] : [];
        card.append(el('div', { className: 'title', textContent: title }),
            el('div', { className: 'meta' }, el('span', { className: `tag ${item.refused ? 'bad' : 'warn'}`, textContent: item.refused ? '未被接受' : '待发送' }),
                el('span', { textContent: when }), ...photos));
        if (item.refused) card.append(...refusal(item));
        return card;
    }));
}

/** Why the server refused an item, and the button that deletes it from the phone. */
function refusal(item) {
    const remove = el('button', { type: 'button', className: 'ghost small', textContent: '删除' });
    remove.dataset.delete = item.id;
    remove.addEventListener('click', async event => {
        event.stopPropagation();
        if (!confirm(`删除后无法恢复（含照片 ${item.photos?.length || 0} 张）。确定删除？`)) return;
        await discard(item.id);
        if (item.kind === 'action' && openCode === item.code) openTask(item.code);
    });
    const reason = item.kind === 'report' && item.code
        ? `案件 ${item.code} 已上报，但照片未被接受：${item.refused.reason}`
        : `未被接受：${item.refused.reason}`;
    return [el('p', { className: 'error reason', textContent: reason }), remove];
}

async function net() {
    renderPending();
    const waiting = (await pending()).length;
    const refused = (await mine()).length - waiting;
    const others = await othersCount();
    const badge = $('net');
    badge.classList.toggle('off', !navigator.onLine);
    badge.textContent = (navigator.onLine ? '在线' : '离线') + (waiting ? ` · 待发送 ${waiting}` : '') + (refused ? ` · 未被接受 ${refused}` : '');
    $('me-outbox').textContent = String(waiting) + (others ? `（另有其他账号的 ${others} 条待发送，该账号登录后发送）` : '');
    const positions = refusedPositions();
    $('me-positions-refused').textContent = positions.count
        ? `${positions.count} 个（最近一次 ${new Date(positions.at).toLocaleString('zh-CN', { hour12: false })}：${positions.reason}）`
        : '0';
}

addEventListener('online', () => { net(); toast('网络已恢复，正在发送离线内容'); tasks.refresh(); });
addEventListener('offline', () => { net(); toast('网络已断开，操作将保存在手机上'); });
onOutboxChange(net);
onSent((item, error) => {
    if (error && item.kind === 'positions') {
        net(); // counted under 我的; a toast every few seconds would hide everything else
    } else if (error) {
        toast(`${describe(item)}未被接受：${error.message}${item.kind === 'sos' ? '' : '（已保留在手机上，可查看后删除）'}`, 6000);
        if (item.kind === 'action' && openCode === item.code) openTask(item.code);
    } else if (item.kind === 'sos') {
        $('sos-text').textContent = '已报警，指挥中心已收到（网络恢复后发出）';
    } else if (item.kind === 'report') {
        toast(`上报已送达，案件编号 ${item.code}`, 5000);
    } else if (item.kind === 'action') {
        toast(`${describe(item)}已送达`);
        tasks.refresh();
        if (openCode === item.code) openTask(item.code);
    }
});

const describe = item => ({
    report: '上报', sos: '报警', positions: '位置', action: { sign: '签收', progress: '进展', resolve: '办结' }[item.action],
    order: { sign: '指令签收', feedback: '指令反馈' }[item.action],
})[item.kind] || '';

// ---- tasks ---------------------------------------------------------------------------------------------------------

let knownTasks = null; // codes seen so far; null until the first list, which is no news

function announce(list) {
    if (!tasks.fromServer()) return;
    const fresh = knownTasks ? list.filter(t => t.box === 'sign' && !knownTasks.has(t.code)) : [];
    knownTasks = new Set(list.map(t => t.code));
    if (fresh.length === 0) return;
    toast(`收到新任务：${fresh[0].title}${fresh.length > 1 ? ` 等 ${fresh.length} 件` : ''}`, 5000);
    navigator.vibrate?.([200, 100, 200]);
}

function renderTasks(list) {
    announce(list);
    $('task-list').replaceChildren(...list.map(t => {
        const card = el('li', { className: `card ${t.box === 'sign' ? 'sign' : ''} ${t.overdue ? 'overdue' : ''}`.trim() });
        card.dataset.code = t.code;
        card.append(
            el('div', { className: 'title', textContent: t.title }),
            el('div', { className: 'meta' },
                el('span', { className: `tag ${t.box === 'sign' ? 'warn' : ''}`, textContent: tasks.boxName(t.box) || t.statusName }),
                el('span', { textContent: t.categoryName || '' }),
                el('span', { textContent: t.code }),
                ...(t.overdue ? [el('span', { className: 'tag bad', textContent: '超期' })] : [])));
        card.addEventListener('click', () => openTask(t.code));
        return card;
    }));
    $('tasks-empty').hidden = list.length > 0 || $('pending-list').children.length > 0;
    $('tasks-source').textContent = tasks.sourceName();
    const unsigned = list.filter(t => t.box === 'sign').length;
    $('tasks-badge').hidden = unsigned === 0;
    $('tasks-badge').textContent = String(unsigned);
}

async function openTask(code) {
    openCode = code;
    $('task-form').hidden = true;
    go('task');
    const box = $('task-detail');
    box.replaceChildren(el('p', { className: 'muted', textContent: '加载中…' }));
    $('task-actions').replaceChildren();
    let view;
    try {
        view = await tasks.detail(code);
    } catch (e) {
        box.replaceChildren(el('p', { className: 'error', textContent: isNetworkError(e) ? '离线，且手机上没有这个任务的详情' : e.message }));
        return;
    }

    if (openCode !== code) return;
    const pendingAction = (await mine()).find(i => i.kind === 'action' && i.code === code);
    const status = pendingAction
        ? `${describe(pendingAction)}${pendingAction.refused ? '未被接受' : '待发送'}`
        : view.statusName;
    const place = view.intake?.address || '';
    box.replaceChildren(
        el('h3', { textContent: view.title }),
        el('div', { className: 'meta' }, el('span', { className: 'tag', textContent: status }), el('span', { className: 'muted', textContent: ` ${view.categoryName} · ${view.code}` })),
        el('p', { textContent: view.description }),
        ...(place ? [el('p', { className: 'muted', textContent: `地点：${place}` })] : []),
        ...(view.stale ? [el('p', { className: 'muted', textContent: '（离线，显示的是上次查看的内容）' })] : []),
        ...(view.attachments?.length ? [el('div', { className: 'thumbs' }, ...view.attachments.filter(a => a.contentType.startsWith('image/')).map(a => el('img', { src: a.url, alt: a.name })))] : []),
        el('ol', {}, ...(view.history || []).slice(-6).map(h => el('li', { textContent: `${new Date(h.at).toLocaleString('zh-CN', { hour12: false })} ${h.actionName || h.action}${h.note ? '：' + h.note : ''}` }))));
    if (pendingAction) {
        if (pendingAction.refused) $('task-actions').replaceChildren(...refusal(pendingAction));
        return;
    }

    const labels = { sign: '签收', progress: '反馈进展', resolve: '办结' };
    $('task-actions').replaceChildren(...tasks.actionsFor(view).map(action => {
        const button = el('button', { type: 'button', className: action === 'progress' ? 'ghost' : 'primary', textContent: labels[action] });
        button.dataset.action = action;
        button.addEventListener('click', () => action === 'sign' ? act(code, 'sign', { note: '网格员签收' }, []) : openForm(action));
        return button;
    }));
}

function openForm(action) {
    formAction = action;
    formPhotos = [];
    const form = $('task-form');
    form.reset();
    $('task-thumbs').replaceChildren();
    $('task-form-title').textContent = action === 'resolve' ? '办结' : '反馈进展';
    $('task-result').hidden = action !== 'resolve';
    form.hidden = false;
    form.scrollIntoView({ behavior: 'smooth' });
}

$('task-form').photos.addEventListener('change', async event => { formPhotos = await prepareAll(event.target, $('task-thumbs')); });
$('task-form-cancel').addEventListener('click', () => { $('task-form').hidden = true; });
$('task-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const body = { note: form.note.value.trim() };
    if (formAction === 'resolve') body.result = form.result.value;
    form.hidden = true;
    await act(openCode, formAction, body, formPhotos);
});

/** Puts a case action (with its photos) into the outbox and sends it if it can. */
async function act(code, action, body, photos) {
    await enqueue({ id: newId(), kind: 'action', code, action, body, photos: storable(photos) });
    tasks.assume(code, action === 'sign' ? 'in_progress' : action === 'resolve' ? 'resolved' : undefined, action === 'sign' ? '处置中' : action === 'resolve' ? '待验证' : undefined);
    if (!navigator.onLine) toast('离线：已保存在手机上，联网后自动发送', 4000);
    await flush();
    openTask(code);
}

// ---- 事件上报 --------------------------------------------------------------------------------------------------------

let reportWhere = null;

async function locateReport() {
    const fix = await gps.current();
    reportWhere = fix ? { lat: fix.lat, lon: fix.lon, source: 'GPS' } : null;
    showReportWhere();
}

function showReportWhere() {
    const exif = reportPhotos.find(p => p.where)?.where;
    const where = reportWhere || (exif && { ...exif, source: '照片' });
    $('report-where').textContent = where ? `位置（${where.source}）：${where.lat.toFixed(5)}, ${where.lon.toFixed(5)}` : '位置：无法定位，请打开定位，或拍摄带位置信息的照片';
    return where;
}

$('report-form').photos.addEventListener('change', async event => {
    reportPhotos = await prepareAll(event.target, $('report-thumbs'));
    showReportWhere();
});

$('report-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    if (!reportWhere) await locateReport();
    const where = showReportWhere();
    if (!where) { toast('无法确定位置，不能上报'); return; }
    const id = newId();
    await enqueue({
        id, kind: 'report', photos: storable(reportPhotos),
        body: {
            channel: 'grid', category: form.category.value, urgency: form.urgency.value, title: form.title.value.trim(),
            description: form.description.value.trim(), lat: where.lat, lon: where.lon,
        },
    });
    form.reset();
    reportPhotos = [];
    $('report-thumbs').replaceChildren();
    toast(navigator.onLine ? '正在上报…' : '离线：上报已保存在手机上，联网后自动发送', 4000);
    go('tasks');
});

// ---- 位置共享 and 一键报警 -------------------------------------------------------------------------------------------

const gpsSwitch = $('gps-switch');
gpsSwitch.checked = localStorage.getItem('command.gps') !== 'off';
gpsSwitch.addEventListener('change', () => gpsSwitch.checked ? gps.start() : gps.stop());
gps.onFix((fix, problem) => {
    $('gps-state').textContent = problem || (fix ? `最近定位 ${new Date(fix.at).toLocaleTimeString('zh-CN', { hour12: false })}，精度约 ${Math.round(fix.accuracy || 0)} 米` : '');
});

function showSos(id) {
    $('sos-banner').hidden = !id;
}

$('sos').addEventListener('click', () => $('sos-confirm').showModal());
$('sos-confirm').addEventListener('close', async () => {
    if ($('sos-confirm').returnValue !== 'ok') return;
    // The alarm goes at once with the last fix the phone knows (or none: the server then uses the last place it has);
    // waiting for a fresh fix could take seconds. A fresher place follows as soon as there is one.
    const known = gps.lastFix();
    showSos('pending');
    $('sos-text').textContent = '正在报警…';
    if (await raiseSos(sosBody(known), known ? '已报警，指挥中心已收到您的位置' : '已报警，正在获取您的位置…')) {
        followSos(known);
    }
});

const sosBody = fix => (fix ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, timestamp: Math.round(fix.at) } : {});

/** POST /api/me/sos; true once the server raised it. An alarm that could not get through waits in the outbox, first in line. */
async function raiseSos(body, done) {
    try {
        const view = await api('POST', '/api/me/sos', { ...body, sentAt: Date.now() });
        $('sos-text').textContent = view?.positionRefused || done;
        return true;
    } catch (e) {
        if (isNetworkError(e) || (e instanceof HttpError && (e.retryable || e.status === 401))) {
            await enqueue({ id: newId(), kind: 'sos', body });
            $('sos-text').textContent = e instanceof HttpError && e.status === 401
                ? '登录已过期，报警已保存，重新登录后立即发送；紧急情况请拨打 110'
                : '网络不通，报警将在联网后立即发送；紧急情况请拨打 110';
        } else {
            $('sos-text').textContent = `报警失败：${e.message}；紧急情况请拨打 110`;
        }

        return false;
    }
}

/** Once the alarm is up: a fix newer than the one it carried moves the red warning there (if the worker has not called it off). */
async function followSos(sent) {
    const fresh = await gps.current(15000);
    if ($('sos-banner').hidden) return;
    if (!fresh) {
        if (!sent) $('sos-text').textContent = '已报警；手机无法定位，指挥中心按您最近一次上报的位置显示';
        return;
    }

    if (sent && fresh.at <= sent.at) return;
    try {
        await api('POST', '/api/me/sos', { ...sosBody(fresh), renew: true, sentAt: Date.now() });
        $('sos-text').textContent = '已报警，指挥中心已收到您的位置';
    } catch (e) {
        // The alarm itself is up; the place travels as an ordinary position when the network allows.
        if (isNetworkError(e) || (e instanceof HttpError && e.retryable)) {
            const { lat, lon, accuracy, timestamp } = sosBody(fresh);
            await enqueue({ id: newId(), kind: 'positions', positions: [{ lat, lon, accuracy, timestamp }] });
        }
    }
}

$('sos-cancel').addEventListener('click', async () => {
    try {
        await api('DELETE', '/api/me/sos');
    } catch (e) {
        if (!(e instanceof HttpError && e.status === 404)) { toast(isNetworkError(e) ? '离线，暂时无法取消报警' : e.message); return; }
    }

    showSos(null);
    toast('已取消报警');
});

boot();
