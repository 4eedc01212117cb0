// The case card (details and the timeline from its history) and the worker card (profile, today's patrol and
// the replay of today's track). Both float over the map and close with ×.

import { el, setText, getJson, formatFull, now, formatSpan, WORKER_STATUS, RISK_NAMES } from './util.js';

const URGENCY_CLASS = { high: 'bad-text', medium: 'warn-text', low: '' };
const SUPERVISION_CLASS = { red: 'bad-text', yellow: 'warn-text' };

export function createCards({ track, onSelect }) {
    const caseCard = document.getElementById('case-card');
    const workerCard = document.getElementById('worker-card');
    let caseToken = 0;
    let workerToken = 0;
    let workerStatus = null;   // the status cell of the open worker card

    function frame(card, title, close) {
        const header = el('header', {}, el('h3', { text: title, title }),
            el('button', { className: 'close', text: '×', attrs: { type: 'button', 'aria-label': '关闭', title: '关闭' }, on: { click: close } }));
        const body = el('div', { className: 'body' });
        card.replaceChildren(header, body);
        card.hidden = false;
        return body;
    }

    const row = (dl, label, value, className) => {
        dl.append(el('dt', { text: label }), el('dd', { text: value == null || value === '' ? '—' : value, className }));
    };

    // ---------- case ----------
    function closeCase() {
        caseToken++;
        caseCard.hidden = true;
        caseCard.replaceChildren();
        delete caseCard.dataset.case;
        onSelect?.(null);
    }

    async function openCase(code) {
        const token = ++caseToken;
        onSelect?.(code);
        delete caseCard.dataset.case;
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

    function renderCase(c) {
        const body = frame(caseCard, c.title, closeCase);
        const dl = el('dl');
        row(dl, '编号', c.code);
        row(dl, '类别', c.categoryName);
        row(dl, '紧急程度', c.urgencyName, URGENCY_CLASS[c.urgency]);
        row(dl, '风险等级', RISK_NAMES[c.risk] ?? c.risk, c.risk === 'red' ? 'bad-text' : c.risk === 'yellow' ? 'warn-text' : 'ok-text');
        row(dl, '状态', c.overdue ? `${c.statusName}（已超期）` : c.statusName, c.overdue ? 'bad-text' : '');
        row(dl, '当前办理', c.assignment?.to?.name ?? c.holder);
        row(dl, '来源', c.channelName);
        row(dl, '地点', c.intake?.address);
        row(dl, '受理时间', formatFull(c.acceptedAt));
        const d = c.deadlines ?? {};
        const signed = c.assignment?.signedAt;
        if (c.status === 'dispatched' && !signed && d.signRed) row(dl, '签收时限', deadlineText(d.signRed), overdueClass(d.signRed));
        if (signed) row(dl, '签收时间', formatFull(signed));
        if (d.handleDue) row(dl, '办理时限', deadlineText(d.handleDue), overdueClass(d.handleDue));
        row(dl, '督办', c.supervisionName, SUPERVISION_CLASS[c.supervision]);
        if (c.pendingExtension) row(dl, '延期申请', '待审批', 'warn-text');
        body.append(dl);
        if (c.description) body.append(el('p', { className: 'desc', text: c.description }));
        if (c.warnings?.length) {
            body.append(el('h4', { text: '预警' }), el('p', { className: 'desc bad-text', text: c.warnings.map(w => w.kindName).join('、') }));
        }
        body.append(el('h4', { text: '办理过程' }));
        const timeline = el('ol', { className: 'timeline' });
        for (const e of c.history ?? []) {
            timeline.append(el('li', {},
                el('span', { className: 'when', text: formatFull(e.at) }),
                el('span', { className: 'what', text: e.actionName ?? e.action }),
                el('span', { className: 'who', text: e.actorName ?? e.actor }),
                e.note ? el('div', { className: 'note', text: e.note }) : null));
        }
        body.append(timeline);
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
        const content = frame(workerCard, worker.name, closeWorker);
        const dl = el('dl');
        row(dl, '类型', worker.kind);
        row(dl, '电话', worker.phone);
        row(dl, '所属网格', worker.gridName || worker.gridCode);
        row(dl, '状态', worker.statusName);
        workerStatus = dl.lastElementChild;
        row(dl, '最后定位', worker.lastPosition ? formatFull(worker.lastPosition.time) : '暂无');
        const today = worker.today ?? trail.patrol ?? {};
        const stats = el('div', { className: 'stats' },
            el('div', {}, el('b', { text: (today.hours ?? 0).toFixed(1) }), el('span', { text: '今日巡查（小时）' })),
            el('div', {}, el('b', { text: (today.kilometres ?? 0).toFixed(1) }), el('span', { text: '今日里程（公里）' })));
        content.append(dl, stats, el('h4', { text: `今日轨迹回放（${trail.points.length} 个定位点${trail.truncated ? '，已截断' : ''}）` }), track.show(trail.points));
        workerCard.dataset.worker = String(id);
    }

    return {
        openCase,
        openWorker,
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
    };
}
