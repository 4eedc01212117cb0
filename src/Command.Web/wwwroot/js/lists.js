// The rolling lists on the right: pending tasks (待签收 / 办理中, with time left ticking) and active warnings (newest
// first, 确认 for roles that may acknowledge). Rows are kept by key and updated in place, at most MAX_ROWS of them (the
// header counts all); a list longer than its box moves up a row every few seconds (a CSS transition of a transform,
// run by the compositor) and pauses while the pointer is over it.

import { el, setText, getJson, postJson, now, formatWhen, formatSpan } from './util.js';

const MAX_ROWS = 100;
const ROLL_EVERY_MS = 3000;
const ROLL_END_PAUSE = 2;   // steps to stay at the end before going back to the top
const RENDER_THROTTLE_MS = 300;
const SOON_MS = 30 * 60_000;

export function createLists({ user, onCase, onWarning, toast }) {
    const tasks = document.getElementById('tasks');
    const warnings = document.getElementById('warnings');
    const taskRows = new Map();     // code → li
    const warningRows = new Map();  // id → li
    const ackedByMe = new Map();    // warning id → display name, for acknowledgements made here
    const people = new Map([[user.name, user.displayName]]);   // account name → display name (GET /api/people/{name})
    const asked = new Set();
    let state = null;
    let timer = null;
    let firstRender = true;
    let loaded = false;   // a snapshot from the hub arrived: until then the lists say 连接中…, not 暂无…

    const taskRoll = roll(tasks);
    const warningRoll = roll(warnings);
    setInterval(() => {
        if (document.hidden) return;
        taskRoll.step();
        warningRoll.step();
    }, ROLL_EVERY_MS);

    // ---------- tasks ----------
    const deadlineOf = c => (c.status === 'dispatched' ? c.signBy : c.handleBy) ?? null;

    function buildTask(c) {
        const li = el('li', { dataset: { case: c.code }, on: { click: () => onCase(c.code) } },
            el('div', { className: 'row' }, el('span', { className: 'title grow' }), el('span', { className: 'tag status' })),
            el('div', { className: 'row' }, el('span', { className: 'meta grow holder' }), el('span', { className: 'tag supervision' }), el('span', { className: 'left' })));
        li.parts = { title: li.querySelector('.title'), status: li.querySelector('.status'), holder: li.querySelector('.holder'),
            supervision: li.querySelector('.supervision'), left: li.querySelector('.left') };
        return li;
    }

    function updateTask(li, c) {
        const p = li.parts;
        li.className = c.urgency ?? '';
        li.card = c;
        setText(p.title, c.title);
        p.title.title = c.title;
        setText(p.status, c.statusName);
        p.status.className = `tag status ${c.status}`;
        setText(p.holder, `${c.holder || '—'} · ${c.categoryName}`);
        const sup = { yellow: '黄牌督办', red: '红牌督办', normal: '督办' }[c.supervision];
        p.supervision.hidden = !sup;
        setText(p.supervision, sup ?? '');
        tickTask(li);
    }

    function tickTask(li) {
        const c = li.card;
        const deadline = deadlineOf(c);
        const p = li.parts;
        if (deadline == null) {
            setText(p.left, c.overdue ? '已超期' : '');
            p.left.className = c.overdue ? 'left late' : 'left';
            return;
        }
        const left = deadline - now();
        const verb = c.status === 'dispatched' ? '签收' : '办理';
        setText(p.left, left >= 0 ? `${verb}剩 ${formatSpan(left)}` : `${verb}超 ${formatSpan(left)}`);
        p.left.className = left < 0 ? 'left late' : left < SOON_MS ? 'left soon' : 'left';
    }

    function renderTasks() {
        const items = [...state.cases.values()]
            .filter(c => c.status === 'dispatched' || c.status === 'in_progress')
            .sort((a, b) => (deadlineOf(a) ?? Infinity) - (deadlineOf(b) ?? Infinity) || b.acceptedAt - a.acceptedAt);
        setText(document.getElementById('tasks-count'), items.length ? `共 ${items.length} 件` : '');
        reconcile(tasks, taskRows, items.slice(0, MAX_ROWS), c => c.code, buildTask, updateTask, loaded ? '暂无待签收或办理中的案件' : '连接中…');
    }

    // ---------- warnings ----------
    function buildWarning(w) {
        const li = el('li', { dataset: { warning: w.id }, on: { click: () => onWarning(li.card) } },
            el('div', { className: 'row' }, el('span', { className: 'tag level' }), el('span', { className: 'kind grow' }), el('span', { className: 'meta when' })),
            el('div', { className: 'row' }, el('span', { className: 'message grow' })),
            el('div', { className: 'row' }, el('span', { className: 'meta grow place' }), el('span', { className: 'ack' })));
        li.parts = { level: li.querySelector('.level'), kind: li.querySelector('.kind'), when: li.querySelector('.when'),
            message: li.querySelector('.message'), place: li.querySelector('.place'), ack: li.querySelector('.ack') };
        if (!firstRender) li.classList.add('fresh');
        return li;
    }

    function updateWarning(li, w) {
        const p = li.parts;
        li.card = w;
        li.classList.toggle('red', w.level >= 2);
        li.classList.toggle('yellow', w.level < 2);
        setText(p.level, w.levelName || (w.level >= 2 ? '红色' : '黄色'));
        setText(p.kind, w.kindName);
        setText(p.when, formatWhen(w.raisedAt));
        setText(p.message, w.message);
        p.message.title = w.message;
        const where = placeOf(w.regionCode);
        const what = w.caseCode ? `案件 ${w.caseCode}` : w.workerId != null ? `网格员 ${w.workerId}` : '';
        setText(p.place, [where, what].filter(Boolean).join(' · '));
        renderAck(p.ack, w);
    }

    /** The child region (or the scope) a warning lies in, by name. */
    function placeOf(code) {
        if (!state || typeof code !== 'string') return '';
        const child = state.children.find(c => code.startsWith(c.code));
        return child?.name ?? (code === state.scope?.code ? state.scope.name : '');
    }

    /** Who acknowledged, by display name: looked up once per account, the rows redrawn when it arrives. */
    function personOf(name) {
        if (people.has(name)) return people.get(name);
        if (!asked.has(name)) {
            asked.add(name);
            getJson(`/api/people/${encodeURIComponent(name)}`)
                .then(p => people.set(name, p.displayName), () => people.set(name, '其他用户'))
                .then(() => { for (const li of warningRows.values()) if (li.card.ackedBy === name) renderAck(li.parts.ack, li.card); });
        }
        return '…';
    }

    function renderAck(cell, w) {
        const by = ackedByMe.get(w.id) ?? (w.ackedBy ? personOf(w.ackedBy) : null);
        const key = by ? `acked:${by}` : user.canAck ? 'button' : 'none';
        if (cell.dataset.key === key) return;
        cell.dataset.key = key;
        cell.replaceChildren();
        if (by) {
            cell.append(el('span', { className: 'acked', text: `已确认 · ${by}` }));
        } else if (user.canAck) {
            cell.append(el('button', { text: '确认', attrs: { type: 'button', 'data-ack': w.id }, on: { click: e => ack(e, w.id) } }));
        }
    }

    async function ack(event, id) {
        event.stopPropagation();
        const button = event.currentTarget;
        button.disabled = true;
        try {
            await postJson(`/api/warnings/${encodeURIComponent(id)}/ack`);
            ackedByMe.set(id, user.displayName);
            toast('预警已确认', 'info');
        } catch (e) {
            if (e.status === 409 && e.body?.ackedByName) ackedByMe.set(id, e.body.ackedByName);
            toast(e.message);
            button.disabled = false;
        }
        const li = warningRows.get(id);
        if (li) renderAck(li.parts.ack, li.card);
    }

    function renderWarnings() {
        const items = [...state.warnings.values()].sort((a, b) => b.raisedAt - a.raisedAt || (b.level - a.level));
        const red = items.filter(w => w.level >= 2).length;
        setText(document.getElementById('warnings-count'), items.length ? `共 ${items.length} 条${red ? `，红色 ${red}` : ''}` : '');
        reconcile(warnings, warningRows, items.slice(0, MAX_ROWS), w => w.id, buildWarning, updateWarning, loaded ? '暂无预警' : '连接中…');
    }

    function render() {
        timer = null;
        if (!state) return;
        renderTasks();
        renderWarnings();
        firstRender = false;
    }

    return {
        /** A new state (a hub snapshot, `live`, or a region without the hub's lists): render at once. */
        replace(current, live) {
            state = current;
            loaded = live;
            firstRender = true;
            taskRows.clear();
            warningRows.clear();
            tasks.replaceChildren();
            warnings.replaceChildren();
            taskRoll.reset();
            warningRoll.reset();
            render();
        },
        /** Cases or warnings changed: render soon (at most a few times a second). */
        changed() {
            if (!timer) timer = setTimeout(render, RENDER_THROTTLE_MS);
        },
        /** Every second: the time left of each task. */
        tick() {
            for (const li of taskRows.values()) tickTask(li);
        },
    };
}

/** Makes the list's children match `items` in order, reusing rows by key; shows `emptyText` when there are none. */
function reconcile(list, rows, items, keyOf, build, update, emptyText) {
    const seen = new Set();
    let previous = null;
    for (const item of items) {
        const key = keyOf(item);
        seen.add(key);
        let li = rows.get(key);
        if (!li) {
            li = build(item);
            rows.set(key, li);
        }
        update(li, item);
        const expected = previous ? previous.nextSibling : list.firstChild;
        if (li !== expected) list.insertBefore(li, expected);
        previous = li;
    }
    for (const [key, li] of rows) {
        if (!seen.has(key)) {
            li.remove();
            rows.delete(key);
        }
    }
    for (const child of [...list.children]) if (!child.dataset.case && !child.dataset.warning) child.remove();
    if (items.length === 0) list.append(el('li', { className: 'empty', text: emptyText }));
}

/**
 * Moves a list (the track) up inside its box, a row at a time, each `step()` (every few seconds): one layout read per
 * step, the motion a CSS transition of `transform`. At the end it waits, then goes back to the top. The pointer over
 * the box pauses it.
 */
function roll(track) {
    const box = track.parentElement;
    let offset = 0;
    let paused = false;
    let atEnd = 0;
    box.addEventListener('mouseenter', () => { paused = true; });
    box.addEventListener('mouseleave', () => {
        paused = false;
        if (box.scrollTop) box.scrollTop = 0;   // scrolled into view by a script (a browser test), say
    });
    const moveTo = (y, rewind = false) => {
        if (y === offset) return;
        offset = y;
        track.classList.toggle('rewind', rewind);
        track.style.transform = y ? `translateY(${-y}px)` : '';
    };
    return {
        step() {
            if (paused) return;
            const view = box.clientHeight - 16;   // less the box's padding
            const end = track.offsetHeight - view;
            if (end <= 2) return moveTo(0);
            if (offset >= end - 1) {
                if (++atEnd > ROLL_END_PAUSE) {
                    atEnd = 0;
                    moveTo(0, true);
                }
                return;
            }
            // The next row's top (rows differ in height), not past the end.
            let next = end;
            for (const li of track.children) {
                if (li.offsetTop > offset + 1) {
                    next = Math.min(li.offsetTop, end);
                    break;
                }
            }
            moveTo(next);
        },
        /** A new list: back to the top at once. */
        reset() {
            atEnd = 0;
            offset = 0;
            track.style.transform = '';
        },
    };
}
