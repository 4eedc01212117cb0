// Where the screen is: the title, the breadcrumb (#crumbs) and the list of child regions with their counts
// (#regions), both clickable to move up or down. A list longer than its box rolls: a row up every few seconds, a
// pause at the end, then back to the top; the pointer over it stops it.

import { el, setText } from './util.js';

/** The title's font size: 36px, smaller for a long name so it stays on its plate (the page's rule, ScreenModel.TitleSize). */
export const titleSize = text => Math.min(36, Math.floor(800 / text.length) - 5);

const ROLL_EVERY_MS = 3000;
const ROLL_END_PAUSE = 2;   // steps to stay at the end before going back to the top

export function createRegions({ county, onDrill, onFocus }) {
    const title = document.getElementById('title');
    const crumbs = document.getElementById('crumbs');
    const list = document.getElementById('regions');
    const note = document.querySelector('.map-note');
    const hint = document.getElementById('regions-hint');
    let rows = new Map();   // code → { open, overdue, warn, online }

    crumbs.addEventListener('click', e => {
        const a = e.target.closest('a[data-code]');
        if (!a) return;
        e.preventDefault();
        onDrill(a.dataset.code);
    });
    const activate = e => {
        const row = e.target.closest('[data-region]');
        if (!row || (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ')) return;
        e.preventDefault();
        if (row.dataset.level === 'Grid') onFocus(row.dataset.region);
        else onDrill(row.dataset.region);
    };
    list.addEventListener('click', activate);
    list.addEventListener('keydown', activate);

    let paused = false;
    let atEnd = 0;
    list.addEventListener('mouseenter', () => { paused = true; });
    list.addEventListener('mouseleave', () => { paused = false; });
    list.addEventListener('focusin', () => { paused = true; });
    list.addEventListener('focusout', () => { paused = false; });
    setInterval(() => {
        if (paused || document.hidden) return;
        const end = list.scrollHeight - list.clientHeight;
        if (end <= 2) return;
        if (list.scrollTop >= end - 1) {
            if (++atEnd > ROLL_END_PAUSE) {
                atEnd = 0;
                list.scrollTo({ top: 0, behavior: 'smooth' });
            }
            return;
        }
        const next = [...list.children].find(row => row.offsetTop > list.scrollTop + 1);   // the list is the rows' offsetParent
        list.scrollTo({ top: Math.min(end, next ? next.offsetTop : end), behavior: 'smooth' });
    }, ROLL_EVERY_MS);

    /** "和林格尔县综治中心指挥调度平台", or with the county first below it ("和林格尔县城关镇…"). */
    function titleOf(scope, path) {
        const owner = path.find(p => p.code.length === 6) ?? (county && scope.code.startsWith(county.code) ? county : null);
        const prefix = owner && scope.code.length > 6 ? owner.name : '';
        // A village or community has no 综治中心 of its own (DOMAIN.md).
        const centre = scope.level === 'Village' || scope.level === 'Grid' ? '' : '综治中心';
        return `${prefix}${scope.name}${centre}指挥调度平台`;
    }

    function cells(row, c) {
        setText(row.open, c?.open ?? 0);
        setText(row.overdue, c?.overdue ?? 0);
        row.overdue.classList.toggle('bad', (c?.overdue ?? 0) > 0);
        setText(row.warn, c?.warnings ?? 0);
        setText(row.online, `${c?.online ?? 0}/${c?.workers ?? 0}`);
    }

    return {
        /** A new scope: title, breadcrumb, the list of children. */
        setScope(state) {
            const scope = state.scope;
            const text = titleOf(scope, state.path);
            setText(title, text);
            title.style.fontSize = `${titleSize(text)}px`;
            document.title = text;

            const path = state.path.length ? state.path : [scope];
            crumbs.replaceChildren();
            path.forEach((p, i) => {
                if (i > 0) crumbs.append(el('span', { className: 'sep', text: '›' }));
                crumbs.append(el('a', { text: p.name, dataset: { code: p.code }, attrs: { href: `/?scope=${encodeURIComponent(p.code)}`, 'aria-current': i === path.length - 1 ? 'page' : null } }));
            });

            rows = new Map();
            list.replaceChildren();
            list.scrollTop = 0;
            atEnd = 0;
            for (const child of state.children) {
                const row = {
                    open: el('span', { className: 'open' }), overdue: el('span', { className: 'overdue' }),
                    warn: el('span', { className: 'warn' }), online: el('span', { className: 'online' }),
                };
                // A grid's name repeats its village's ("昭君道社区第1网格"): inside the village it reads "第1网格".
                const name = child.name.startsWith(scope.name) && child.name.length > scope.name.length ? child.name.slice(scope.name.length) : child.name;
                list.append(el('div', { className: 'rt-row', dataset: { region: child.code, level: child.level }, attrs: { role: 'button', tabindex: 0, title: `${child.name}（${child.levelName}）` } },
                    el('span', { className: 'name', text: name }), row.open, row.overdue, row.warn, row.online));
                cells(row, state.counters.get(child.code));
                rows.set(child.code, row);
            }
            if (state.children.length === 0) list.append(el('div', { className: 'rt-row', text: '无下级区域' }));
            setText(hint, state.children.some(c => c.level !== 'Grid') ? '点击进入' : '点击定位');
            if (note) note.hidden = !(scope.synthetic || state.children.some(c => c.synthetic));
        },

        /** Counters moved: the children's rows. */
        countersChanged(changed) {
            for (const c of changed) {
                const row = rows.get(c.code);
                if (row) cells(row, c);
            }
        },
    };
}
