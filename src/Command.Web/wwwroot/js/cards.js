// The case card (details, the actions the user may take, and the timeline from its history) and the worker card
// (profile, today's patrol, the replay of today's track, and sending the worker a task). Both float over the map and
// close with ×. The case card follows its case live: every pushed change of it re-reads the case, and a case that
// closes shows its final state. A button appears only where the server says its action is allowed now (the case's
// `allowed`, decided by the case's own rules and read again with every change); a refusal shows its Chinese reason.

import { el, setText, getJson, postJson, formatFull, now, formatSpan, WORKER_STATUS, RISK_NAMES } from './util.js';
import { callButton } from '../video/call.js';

const URGENCY_CLASS = { high: 'bad-text', medium: 'warn-text', low: '' };
const SUPERVISION_CLASS = { red: 'bad-text', yellow: 'warn-text' };
const SUPERVISION_LEVELS = [['normal', '普通督办'], ['yellow', '黄牌督办'], ['red', '红牌督办']];
const SUPERVISION_RANK = { none: 0, normal: 1, yellow: 2, red: 3 };
const OPEN = 'accepted,dispatched,in_progress'; // the statuses a case can be sent on in (the server says for which it may)
const OFFERED = ['dispatch', 'supervise', 'verify']; // the actions the wall has forms for, in the order of their buttons
const REFRESH_MS = 250;   // pushed changes of the open case are read back at most this often
const TASK_CHOICES = 20;  // cases offered on a worker's card

/** Whose units a dispatch may go to: the county's duty officer and leader choose among all of the case's county. */
const wholeCounty = (c, user) => (user.role === 'DutyOfficer' || user.role === 'Leader') && (c.location?.countyCode ?? '').startsWith(user.scope ?? '');

export function createCards({ track, onSelect, user, units, toast }) {
    const caseCard = document.getElementById('case-card');
    const workerCard = document.getElementById('worker-card');
    let caseToken = 0;
    let workerToken = 0;
    let workerStatus = null;   // the status cell of the open worker card
    let openCode = null;       // the case the case card follows
    let parts = null;          // { details, actions, timeline, error } of the open case card
    let shownKey = null;       // which actions the card offers now
    let refreshTimer = null;
    let refreshing = false;
    let refreshAgain = false;

    function frame(card, title, close) {
        const header = el('header', {}, el('h3', { text: title, title }),
            el('button', { className: 'close', text: '×', attrs: { type: 'button', 'aria-label': '关闭', title: '关闭' }, on: { click: close } }));
        const body = el('div', { className: 'body' });
        card.replaceChildren(header, body);
        card.hidden = false;
        return body;
    }

    const row = (dl, label, value, className) => {
        const dd = el('dd', { text: value == null || value === '' ? '—' : value, className });
        dl.append(el('dt', { text: label }), dd);
        return dd;
    };

    /** A value that arrives later (a name to look up): a cell now, filled when known. */
    const laterRow = (dl, label, promise, fallback) => {
        const dd = row(dl, label, fallback);
        promise.then(text => setText(dd, text || fallback || '—'), () => {});
        return dd;
    };

    // ---------- case ----------
    function closeCase() {
        caseToken++;
        openCode = null;
        parts = null;
        shownKey = null;
        clearTimeout(refreshTimer);
        refreshTimer = null;
        caseCard.hidden = true;
        caseCard.replaceChildren();
        delete caseCard.dataset.case;
        delete caseCard.dataset.status;
        onSelect?.(null);
    }

    async function openCase(code) {
        const token = ++caseToken;
        onSelect?.(code);
        openCode = code;
        parts = null;
        shownKey = null;
        delete caseCard.dataset.case;
        delete caseCard.dataset.status;
        const body = frame(caseCard, `案件 ${code}`, closeCase);
        body.append(el('div', { className: 'loading', text: '正在加载案件…' }));
        let c;
        try {
            c = await getJson(`/api/cases/${encodeURIComponent(code)}`);
        } catch (e) {
            if (token !== caseToken) return;
            body.replaceChildren(el('div', { className: 'failed', text: e.message }));
            caseCard.dataset.case = code;
            return;
        }
        if (token !== caseToken) return;
        renderCase(c);
        caseCard.dataset.case = code;
    }

    /** The open case changed (pushed): read it again soon; several changes in a row read it once. */
    function caseChanged(code) {
        if (code !== openCode || !parts) return;
        if (refreshing) {
            refreshAgain = true;
            return;
        }
        if (!refreshTimer) refreshTimer = setTimeout(refreshCase, REFRESH_MS);
    }

    async function refreshCase() {
        refreshTimer = null;
        const code = openCode;
        const token = caseToken;
        if (!code || !parts) return;
        refreshing = true;
        try {
            const c = await getJson(`/api/cases/${encodeURIComponent(code)}`);
            if (token === caseToken && code === openCode && parts) updateCase(c);
        } catch (e) {
            if (token === caseToken && parts) showError(e.message);
        } finally {
            refreshing = false;
            if (refreshAgain) {
                refreshAgain = false;
                caseChanged(code);
            }
        }
    }

    function renderCase(c) {
        const body = frame(caseCard, c.title, closeCase);
        parts = {
            details: el('div', { className: 'details' }),
            actions: el('div', { className: 'actions' }),
            error: el('p', { className: 'action-error bad-text', attrs: { role: 'alert' } }),
            timeline: el('ol', { className: 'timeline' }),
        };
        parts.error.hidden = true;
        body.append(parts.details, parts.actions, parts.error, el('h4', { text: '办理过程' }), parts.timeline);
        updateCase(c);
    }

    /** Shows the case as it is now: details and timeline always, the actions when what is allowed changed. */
    function updateCase(c) {
        caseCard.dataset.status = c.status;
        const title = caseCard.querySelector('header h3');
        if (title) {
            setText(title, c.title);
            title.title = c.title;
        }
        parts.details.replaceChildren(...details(c));
        parts.timeline.replaceChildren(...timeline(c));
        const actions = OFFERED.filter(a => (c.allowed ?? []).includes(a));
        const key = `${c.status}|${c.supervision}|${c.assignment?.to?.id ?? ''}|${actions.join(',')}`;
        if (key !== shownKey) {
            shownKey = key;
            renderActions(c, actions);
        }
    }

    function details(c) {
        const dl = el('dl');
        row(dl, '编号', c.code);
        row(dl, '类别', c.categoryName);
        row(dl, '紧急程度', c.urgencyName, URGENCY_CLASS[c.urgency]);
        row(dl, '风险等级', RISK_NAMES[c.risk] ?? c.risk, c.risk === 'red' ? 'bad-text' : c.risk === 'yellow' ? 'warn-text' : 'ok-text');
        row(dl, '状态', c.overdue ? `${c.statusName}（已超期）` : c.statusName, c.overdue ? 'bad-text' : '').dataset.field = 'status';
        const handler = c.assignment?.to?.name;
        const holder = handler ? row(dl, '当前办理', handler) : laterRow(dl, '当前办理', units.nameOf(c.holder), '待分派');
        holder.dataset.field = 'holder';
        row(dl, '来源', c.channelName);
        laterRow(dl, '地点', units.placeOf(c), c.intake?.address);
        row(dl, '受理时间', formatFull(c.acceptedAt));
        const d = c.deadlines ?? {};
        const signed = c.assignment?.signedAt;
        if (c.status === 'dispatched' && !signed && d.signRed) row(dl, '签收时限', deadlineText(d.signRed), overdueClass(d.signRed));
        if (signed) row(dl, '签收时间', formatFull(signed));
        if (d.handleDue && c.status === 'in_progress') row(dl, '办理时限', deadlineText(d.handleDue), overdueClass(d.handleDue));
        if (c.closedAt) row(dl, '办结时间', formatFull(c.closedAt));
        row(dl, '督办', c.supervisionName, SUPERVISION_CLASS[c.supervision]).dataset.field = 'supervision';
        if (c.pendingExtension) row(dl, '延期申请', '待审批', 'warn-text');
        const out = [dl];
        if (c.description) out.push(el('p', { className: 'desc', text: c.description }));
        if (c.warnings?.length) out.push(el('h4', { text: '预警' }), el('p', { className: 'desc bad-text', text: c.warnings.map(w => w.kindName).join('、') }));
        return out;
    }

    function timeline(c) {
        return (c.history ?? []).map(e => el('li', {},
            el('span', { className: 'when', text: formatFull(e.at) }),
            el('span', { className: 'what', text: e.actionName ?? e.action }),
            el('span', { className: 'who', text: e.actorName ?? e.actor }),
            e.note ? el('div', { className: 'note', text: e.note }) : null));
    }

    // ---------- case actions ----------
    function renderActions(c, actions) {
        showError(null);
        const box = parts.actions;
        box.replaceChildren();
        box.hidden = actions.length === 0;
        if (!actions.length) return;
        const buttons = el('div', { className: 'buttons' });
        const form = el('div', { className: 'action-form' });
        form.hidden = true;
        const open = (name, build) => {
            for (const b of buttons.children) b.classList.toggle('active', b.dataset.action === name && form.dataset.action !== name);
            if (form.dataset.action === name) {
                form.hidden = true;
                delete form.dataset.action;
                return;
            }
            form.dataset.action = name;
            form.hidden = false;
            form.replaceChildren();
            showError(null);
            build(form);
        };
        const button = (name, text, build) => buttons.append(el('button', {
            className: 'act', text, attrs: { type: 'button', 'data-action': name }, on: { click: () => open(name, build) },
        }));
        if (actions.includes('dispatch')) button('dispatch', c.status === 'accepted' ? '分派' : c.status === 'dispatched' ? '改派' : '转派', f => dispatchForm(f, c));
        if (actions.includes('supervise')) button('supervise', '督办', f => superviseForm(f, c));
        if (actions.includes('verify')) button('verify', '核实', f => verifyForm(f, c));
        box.append(buttons, form);
    }

    function showError(message) {
        if (!parts) return;
        setText(parts.error, message ?? '');
        parts.error.hidden = !message;
    }

    const noteInput = (placeholder, required = false) =>
        el('textarea', { className: 'note-input', attrs: { rows: 2, maxlength: 500, placeholder, 'aria-label': '说明', required } });

    /** Posts an action; the card then reads the case back with what is allowed now (and the push confirms it). */
    async function act(c, action, payload, submit) {
        submit.disabled = true;
        showError(null);
        const token = caseToken;
        try {
            await postJson(`/api/cases/${encodeURIComponent(c.code)}/${action}`, payload);
            if (token !== caseToken || !parts) return;
            toast(`${ACTION_DONE[action]}：${c.code}`, 'info');
            const updated = await getJson(`/api/cases/${encodeURIComponent(c.code)}`);
            if (token !== caseToken || !parts) return;
            shownKey = null;
            updateCase(updated);
        } catch (e) {
            if (token !== caseToken || !parts) return;
            showError(e.message);
            submit.disabled = false;
        }
    }

    async function dispatchForm(form, c) {
        const select = el('select', { attrs: { 'aria-label': '承办单位或网格员', name: 'to' } }, el('option', { text: '正在加载承办单位…', attrs: { value: '' } }));
        const note = noteInput('交办说明（可选）');
        const submit = el('button', { className: 'submit', text: '确定分派', attrs: { type: 'button', disabled: true } });
        form.append(el('label', { text: '派往' }), select, note, submit);
        let groups;
        try {
            groups = await units.targetsFor(c, user, wholeCounty(c, user));
        } catch (e) {
            showError(`承办单位加载失败：${e.message}`);
            return;
        }
        select.replaceChildren(el('option', { text: '请选择承办单位或网格员', attrs: { value: '' } }),
            ...groups.map(g => el('optgroup', { attrs: { label: g.label } }, ...g.items.map(t => el('option', { text: t.name, attrs: { value: t.id } })))));
        select.addEventListener('change', () => { submit.disabled = !select.value; });
        submit.addEventListener('click', () => {
            if (!select.value) return;
            act(c, 'dispatch', { to: select.value, note: note.value.trim() || null }, submit);
        });
    }

    function superviseForm(form, c) {
        const rank = SUPERVISION_RANK[c.supervision] ?? 0;
        const select = el('select', { attrs: { 'aria-label': '督办级别', name: 'level' } },
            ...SUPERVISION_LEVELS.filter(([level]) => SUPERVISION_RANK[level] > rank).map(([level, text]) => el('option', { text, attrs: { value: level } })));
        const note = noteInput('督办要求（可选）');
        const submit = el('button', { className: 'submit', text: '确定督办', attrs: { type: 'button' } });
        submit.addEventListener('click', () => act(c, 'supervise', { level: select.value, note: note.value.trim() || null }, submit));
        form.append(el('label', { text: '级别' }), select, note, submit);
    }

    function verifyForm(form, c) {
        const note = noteInput('核实意见（不通过时必填）');
        const pass = el('button', { className: 'submit', text: '核实通过', attrs: { type: 'button', 'data-pass': 'true' } });
        const fail = el('button', { className: 'submit bad', text: '不通过，退回承办单位', attrs: { type: 'button', 'data-pass': 'false' } });
        pass.addEventListener('click', () => act(c, 'verify', { pass: true, note: note.value.trim() || null }, pass));
        fail.addEventListener('click', () => act(c, 'verify', { pass: false, note: note.value.trim() || null }, fail));
        if (c.resultNote) form.append(el('p', { className: 'desc', text: `办理结果：${c.result === 'resolved' ? '化解成功' : '未化解'}。${c.resultNote}` }));
        form.append(note, el('div', { className: 'buttons' }, pass, fail));
    }

    const deadlineText = t => {
        const left = Date.parse(t) - now();
        return `${formatFull(t)}（${left >= 0 ? `剩 ${formatSpan(left)}` : `超 ${formatSpan(left)}`}）`;
    };
    const overdueClass = t => (Date.parse(t) < now() ? 'bad-text' : '');

    // ---------- worker ----------
    function closeWorker() {
        workerToken++;
        workerStatus = null;
        track.clear({ restore: true });
        workerCard.hidden = true;
        workerCard.replaceChildren();
        delete workerCard.dataset.worker;
    }

    async function openWorker(id) {
        const token = ++workerToken;
        delete workerCard.dataset.worker;
        track.clear();
        const body = frame(workerCard, `网格员 ${id}`, closeWorker);
        body.append(el('div', { className: 'loading', text: '正在加载网格员信息和轨迹…' }));
        let worker;
        let trail;
        try {
            [worker, trail] = await Promise.all([getJson(`/api/workers/${id}`), getJson(`/api/workers/${id}/track`)]);
        } catch (e) {
            if (token !== workerToken) return;
            body.replaceChildren(el('div', { className: 'failed', text: e.message }));
            workerCard.dataset.worker = String(id);
            return;
        }
        if (token !== workerToken) return;
        units.knowWorker(id, worker.name);
        const content = frame(workerCard, worker.name, closeWorker);
        const dl = el('dl');
        row(dl, '类型', worker.kind);
        row(dl, '电话', worker.phone);
        row(dl, '所属网格', worker.gridName || worker.gridCode);
        workerStatus = row(dl, '状态', worker.statusName);
        row(dl, '最后定位', worker.lastPosition ? formatFull(worker.lastPosition.time) : '暂无');
        const today = worker.today ?? trail.patrol ?? {};
        const stats = el('div', { className: 'stats' },
            el('div', {}, el('b', { text: (today.hours ?? 0).toFixed(1) }), el('span', { text: '今日巡查（小时）' })),
            el('div', {}, el('b', { text: (today.kilometres ?? 0).toFixed(1) }), el('span', { text: '今日里程（公里）' })));
        const task = el('div', { className: 'actions task' });
        content.append(dl, stats, el('div', { className: 'actions call' }, callButton(user?.role, `worker-${worker.id}`, worker.name)), task, el('h4', { text: `今日轨迹回放（${trail.points.length} 个定位点${trail.truncated ? '，已截断' : ''}）` }), track.show(trail.points));
        workerCard.dataset.worker = String(id);
        taskForm(task, worker, token);
    }

    /**
     * 派发任务: the open cases of the worker's village that the server says the user may dispatch now (one list request,
     * each line with its allowed actions), not already the worker's, the worker's own grid first; sent with
     * POST …/dispatch to the worker.
     */
    async function taskForm(box, worker, token) {
        box.hidden = true;
        const village = worker.gridCode?.slice(0, 12);
        if (!village) return;
        const key = `worker-${worker.id}`;
        let page;
        try {
            page = await getJson(`/api/cases?region=${encodeURIComponent(village)}&status=${OPEN}&allowed=true&pageSize=50`);
        } catch (e) {
            if (token !== workerToken) return;
            box.hidden = false;
            box.replaceChildren(el('p', { className: 'action-error bad-text', text: `可派发案件加载失败：${e.message}` }));
            return;
        }
        if (token !== workerToken) return;
        const views = page.items
            .filter(c => c.unitId !== key && c.allowed.includes('dispatch'))
            .sort((a, b) => (b.regionCode === worker.gridCode) - (a.regionCode === worker.gridCode))
            .slice(0, TASK_CHOICES);
        if (views.length === 0) {
            box.hidden = false;
            box.replaceChildren(el('p', { className: 'meta', text: '本村(社区)暂无可派发给该网格员的在办案件' }));
            return;
        }
        const select = el('select', { attrs: { 'aria-label': '派发的案件', name: 'case' } },
            ...views.map(c => el('option', { text: `${c.title}（${c.statusName}）`, attrs: { value: c.code } })));
        const note = noteInput('任务要求（可选）');
        const submit = el('button', { className: 'submit', text: '派发任务', attrs: { type: 'button', 'data-action': 'task' } });
        const error = el('p', { className: 'action-error bad-text', attrs: { role: 'alert' } });
        error.hidden = true;
        submit.addEventListener('click', async () => {
            submit.disabled = true;
            error.hidden = true;
            try {
                await postJson(`/api/cases/${encodeURIComponent(select.value)}/dispatch`, { to: key, note: note.value.trim() || null });
                if (token !== workerToken) return;
                toast(`已将案件 ${select.value} 派发给${worker.name}`, 'info');
                taskForm(box, worker, token);
            } catch (e) {
                if (token !== workerToken) return;
                setText(error, e.message);
                error.hidden = false;
                submit.disabled = false;
            }
        });
        box.hidden = false;
        box.replaceChildren(el('h4', { text: '派发任务' }), select, note, submit, error);
    }

    return {
        openCase,
        openWorker,
        caseChanged,
        /** Closes both cards (the scope changed: what they show may lie outside it). */
        closeAll() {
            if (!caseCard.hidden) closeCase();
            if (!workerCard.hidden) closeWorker();
        },
        /** Live: the open worker card's status follows the map. */
        workerChanged(w) {
            if (workerStatus && workerCard.dataset.worker === String(w[0])) setText(workerStatus, WORKER_STATUS[w[3]] ?? '');
        },
        get workerId() {
            return workerCard.dataset.worker ? Number(workerCard.dataset.worker) : null;
        },
        get caseCode() {
            return openCode;
        },
    };
}

const ACTION_DONE = { dispatch: '已分派', supervise: '已督办', verify: '已核实' };
