// The side panels: today's KPIs and the charts. Counters (live) drive the KPIs, the workers gauges and the
// by-region bars; today's statistics (HTTP) drive the category ring and the resolution-level bars, refreshed on
// load, every minute and a few seconds after the counters move.

/* global echarts */
import { getJson, setText } from './util.js';

const STATS_EVERY_MS = 60_000;
const STATS_AFTER_CHANGE_MS = 5_000;
const CHART_THROTTLE_MS = 2_000;     // counters move all the time at city scope: the charts follow every 2 s
const CHART_ANIMATION_MS = 600;      // and settle well before the next update (ECharts draws every frame while animating)
const GLOW_EVERY_MS = 5_000;         // a KPI glows when it changes, at most this often (the glow repaints it every frame)

const REGION_BARS = 10;              // bars of the by-region chart (the busiest regions)
const LEGEND_MAX = 7;                // categories named in the legend; the rest are 其他类别
const TEXT = '#bcd6f5';
const FONT = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const PALETTE = ['#3ee0ff', '#1e90ff', '#2ee87a', '#ffd84a', '#ff9d2e', '#ff4d5e', '#b388ff', '#00c9a7', '#5b8ff9', '#f6bd16', '#e8684a', '#6dc8ec', '#9270ca', '#ff99c3'];
// ECharts writes tooltips as HTML: names (editable categories, region names) go through its encoder.
const html = text => echarts.format.encodeHTML(String(text ?? ''));
const gradient = (a, b, horizontal = false) => new echarts.graphic.LinearGradient(0, horizontal ? 0 : 1, horizontal ? 1 : 0, 0, [{ offset: 0, color: a }, { offset: 1, color: b }]);

export function createPanels({ onDrill, scale, boost: boostOf }) {
    let boost = boostOf();
    /** A chart's font size: the design's, enlarged like the page's text on a small window (screen.js, --boost). */
    const fs = n => Math.round(n * boost * 10) / 10;
    const init = id => echarts.init(document.getElementById(id), null, { renderer: 'canvas', devicePixelRatio: Math.max(1, (window.devicePixelRatio || 1) * scale()) });
    const charts = {
        category: init('chart-category'),
        workers: init('chart-workers'),
        level: init('chart-level'),
        regions: init('chart-regions'),
    };
    charts.regions.on('click', p => p.data?.code && onDrill(p.data.code));

    let scopeCode = null;
    let state = null;
    let periodic = null;
    let soonTimer = null;
    let statsToken = 0;
    let chartTimer = null;
    let lastTotals = {};
    const glowed = new Map();   // KPI → when it last glowed
    const drawn = {};           // chart → the data it shows (a key), so the same figures are not set (and animated) again
    /** Sets a chart's option unless it shows this data already. */
    function setChart(name, key, option) {
        if (drawn[name] === key) return;
        drawn[name] = key;
        charts[name].setOption({ animationDurationUpdate: CHART_ANIMATION_MS, ...option });
    }

    // ---------- KPIs ----------
    function kpi(name, value) {
        const node = document.querySelector(`[data-kpi="${name}"]`);
        const target = node?.classList.contains('kpi') ? node.querySelector('b') : node;
        if (!target) return;
        const text = String(value);
        if (target.textContent !== text) {
            target.textContent = text;
            // A glow when a figure changes (the Web Animations API: no style flush, unlike restarting a CSS class).
            const at = performance.now();
            if (!(at - (glowed.get(name) ?? -Infinity) < GLOW_EVERY_MS)) {
                glowed.set(name, at);
                target.animate([{ filter: 'brightness(2.2) drop-shadow(0 0 8px #3ee0ff)' }, { filter: 'none' }], { duration: 1000, easing: 'ease-out' });
            }
        }
    }

    const percent = rate => (rate == null ? '—' : `${Math.round(rate * 1000) / 10}%`);

    function updateKpis() {
        const t = state.totals();
        kpi('accepted', t.acceptedToday ?? 0);
        kpi('resolved', t.resolvedToday ?? 0);
        kpi('rate', t.acceptedToday > 0 ? `${Math.round((100 * (t.resolvedToday ?? 0)) / t.acceptedToday)}%` : '—');
        kpi('overdue', t.overdue ?? 0);
        kpi('open', t.open ?? 0);
        kpi('warnings', t.warnings ?? 0);
        kpi('grids', t.grids ?? 0);
    }

    // ---------- charts fed by counters ----------
    function drawWorkers() {
        const t = state.totals();
        const workers = t.workers ?? 0;
        const pct = n => (workers > 0 ? Math.round((1000 * n) / workers) / 10 : 0);
        const gauge = (value, name, centre, from, to) => ({
            type: 'gauge', startAngle: 220, endAngle: -40, min: 0, max: 100, radius: '80%', center: centre,
            progress: { show: true, width: 12, roundCap: true, itemStyle: { color: gradient(from, to, true), shadowBlur: 10, shadowColor: to } },
            axisLine: { roundCap: true, lineStyle: { width: 12, color: [[1, 'rgba(40,110,220,.22)']] } },
            axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false }, anchor: { show: false },
            title: { offsetCenter: [0, '74%'], color: TEXT, fontSize: fs(15), fontFamily: FONT },
            detail: { offsetCenter: [0, '2%'], fontSize: 30, fontWeight: 700, color: '#fff', formatter: '{value}%', valueAnimation: true },
            data: [{ value, name }],
        });
        setChart('workers', `${boost}|${workers}|${t.online}|${t.patrolling}`, {
            series: [
                gauge(pct(t.online ?? 0), `在线 ${t.online ?? 0} / ${workers} 人`, ['26%', '50%'], '#1e90ff', '#2ee87a'),
                gauge(pct(t.patrolling ?? 0), `巡查 ${t.patrolling ?? 0} / ${workers} 人`, ['74%', '50%'], '#1e90ff', '#3ee0ff'),
            ],
        });
    }

    /**
     * Open and overdue cases per child region as horizontal bars, the busiest first, each with its whole name (less
     * the scope's own name that grids repeat: "昭君道社区第1网格" reads "第1网格" inside 昭君道社区). Overdue cases are a
     * part of the open ones, so their bar is drawn over the open bar.
     */
    function drawRegions() {
        const scopeName = state.scope?.name ?? '';
        const label = name => (scopeName && name.startsWith(scopeName) && name.length > scopeName.length ? name.slice(scopeName.length) : name);
        const rows = state.children
            .map(c => ({ code: c.code, name: label(c.name), level: c.level, c: state.counters.get(c.code) ?? {} }))
            .sort((a, b) => (b.c.open ?? 0) - (a.c.open ?? 0) || (b.c.overdue ?? 0) - (a.c.overdue ?? 0))
            .slice(0, REGION_BARS);
        const drill = r => (r.level === 'Grid' ? null : r.code);
        const more = state.children.length - rows.length;
        setChart('regions', JSON.stringify([boost, more, ...rows.map(r => [r.code, r.name, r.c.open, r.c.overdue])]), {
            textStyle: { fontFamily: FONT },
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            legend: { data: ['在办', '超期'], top: 2, right: 10, textStyle: { color: TEXT, fontSize: fs(14) }, itemWidth: 12, itemHeight: 8 },
            title: { show: more > 0, text: `另有 ${more} 个区域`, left: 10, top: 2, textStyle: { color: '#7fa6d6', fontSize: fs(13), fontWeight: 'normal' } },
            grid: { left: 8, right: 34, top: 30, bottom: 4, containLabel: true },
            yAxis: {
                type: 'category', inverse: true, data: rows.map(r => r.name),
                axisLabel: { color: TEXT, fontSize: fs(rows.length > 8 ? 13 : 14), interval: 0 },
                axisLine: { lineStyle: { color: 'rgba(64,150,255,.4)' } }, axisTick: { show: false },
            },
            xAxis: { type: 'value', minInterval: 1, max: v => Math.max(1, v.max), axisLabel: { show: false }, splitLine: { lineStyle: { color: 'rgba(64,150,255,.12)', type: 'dashed' } } },
            series: [
                { name: '在办', type: 'bar', barMaxWidth: 12, itemStyle: { color: gradient('rgba(30,144,255,.35)', '#3ee0ff', true), borderRadius: [0, 3, 3, 0] },
                  label: { show: true, position: 'right', color: '#fff', fontSize: fs(13), formatter: p => (p.value ? String(p.value) : '') },
                  data: rows.map(r => ({ value: r.c.open ?? 0, code: drill(r) })) },
                // barGap is shared by the bar series of a grid and read from the last one: -100% lays 超期 over 在办.
                { name: '超期', type: 'bar', barMaxWidth: 12, barGap: '-100%', itemStyle: { color: gradient('rgba(255,77,94,.35)', '#ff4d5e', true), borderRadius: [0, 3, 3, 0] },
                  data: rows.map(r => ({ value: r.c.overdue ?? 0, code: drill(r) })) },
            ],
        });
    }

    function drawCountersCharts() {
        chartTimer = null;
        drawWorkers();
        drawRegions();
    }

    // ---------- charts fed by today's statistics ----------
    function drawCategory(stats) {
        // A wall's legend is never paged: the biggest categories by name, the rest together as 其他.
        const all = (stats?.byCategory ?? []).filter(c => c.accepted > 0).map(c => ({ name: c.name, value: c.accepted })).sort((x, y) => y.value - x.value);
        const data = all.length <= LEGEND_MAX ? all : [...all.slice(0, LEGEND_MAX - 1), { name: '其他类别', value: all.slice(LEGEND_MAX - 1).reduce((n, d) => n + d.value, 0) }];
        const total = data.reduce((s, d) => s + d.value, 0);
        charts.category.setOption({
            color: PALETTE,
            textStyle: { fontFamily: FONT },
            tooltip: { trigger: 'item', formatter: p => `${html(p.name)}：${p.value} 件（${p.percent}%）` },
            title: {
                text: String(total), subtext: '今日受理', left: '29%', top: '38%', textAlign: 'center', itemGap: 2,
                textStyle: { color: '#fff', fontSize: 32, fontWeight: 700 }, subtextStyle: { color: TEXT, fontSize: fs(14) },
            },
            legend: {
                show: data.length > 0, type: 'plain', orient: 'vertical', right: 8, top: 'middle', itemWidth: 10, itemHeight: 10, itemGap: 7,
                textStyle: { color: TEXT, fontSize: fs(14) },
                formatter: name => `${name}  ${data.find(d => d.name === name)?.value ?? ''}`,
            },
            graphic: data.length ? [] : [{ type: 'text', left: '62%', top: 'middle', style: { text: '今日暂无受理案件', fill: '#7fa6d6', fontSize: fs(15) } }],
            series: [{
                type: 'pie', radius: ['48%', '70%'], center: ['30%', '52%'], label: { show: false }, minAngle: 4,
                itemStyle: { borderColor: '#04163a', borderWidth: 2 },
                emphasis: { scale: true, scaleSize: 6 },
                data: data.length ? data : [{ name: '暂无', value: 0, itemStyle: { color: 'rgba(40,110,220,.25)' } }],
            }],
        }, { replaceMerge: ['graphic'] });
    }

    function drawLevels(stats) {
        const levels = stats?.byLevel ?? [];
        charts.level.setOption({
            textStyle: { fontFamily: FONT },
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: ps => ps.map(p => `${html(p.name)}：化解 ${p.value} 件`).join('<br>') },
            grid: { left: 8, right: 96, top: 12, bottom: 8, containLabel: true },
            xAxis: { type: 'value', show: false, minInterval: 1, max: v => Math.max(1, v.max) },
            yAxis: { type: 'category', inverse: true, data: levels.map(l => l.levelName), axisLabel: { color: TEXT, fontSize: fs(15) }, axisLine: { show: false }, axisTick: { show: false } },
            series: [{
                type: 'bar', barWidth: 14, showBackground: true, backgroundStyle: { color: 'rgba(40,110,220,.15)', borderRadius: 7 },
                itemStyle: { color: gradient('#1e90ff', '#3ee0ff', true), borderRadius: 7 },
                label: {
                    show: true, position: 'right', color: '#fff', fontSize: fs(14), distance: 8,
                    formatter: p => { const l = levels[p.dataIndex]; return `${l.resolved}件  ${l.share == null ? '—' : `${Math.round(l.share * 1000) / 10}%`}`; },
                },
                data: levels.map(l => l.resolved),
            }],
        });
    }

    async function loadStats() {
        clearTimeout(soonTimer);
        soonTimer = null;
        const code = scopeCode;
        const token = ++statsToken;
        try {
            const stats = await getJson(`/api/regions/${encodeURIComponent(code)}/stats?period=today`);
            if (token !== statsToken || code !== scopeCode) return;
            drawCategory(stats);
            drawLevels(stats);
            kpi('completion', percent(stats.completionRate));
            const month = await getJson(`/api/regions/${encodeURIComponent(code)}/stats?period=month`);
            if (token !== statsToken || code !== scopeCode) return;
            kpi('satisfaction', percent(month.satisfactionRate));
        } catch (e) {
            console.warn('统计数据加载失败：', e.message);
        }
    }

    /** Once counters moved: a few seconds later (not pushed back by further moves, which may never stop). */
    function statsSoon() {
        if (!soonTimer) soonTimer = setTimeout(loadStats, STATS_AFTER_CHANGE_MS);
    }

    return {
        /** A new scope (or a snapshot of the same one): redraw everything, reload today's statistics. */
        setScope(current) {
            state = current;
            const changed = scopeCode !== current.scope.code;
            drawn.workers = drawn.regions = null;
            scopeCode = current.scope.code;
            lastTotals = { ...state.totals() };
            updateKpis();
            drawCountersCharts();
            if (changed) {
                clearInterval(periodic);
                periodic = setInterval(loadStats, STATS_EVERY_MS);
                loadStats();
            }
        },

        /** The window's size changed the text's boost: draw the charts again with its font sizes. */
        restyle() {
            boost = boostOf();
            if (!state) return;
            for (const name of Object.keys(drawn)) drawn[name] = null;
            drawCountersCharts();
            loadStats();
        },

        /** Counters moved: KPIs now, charts at most once a second, statistics a few seconds later. */
        countersChanged(changed) {
            if (!state || changed.length === 0) return;
            updateKpis();
            if (!chartTimer) chartTimer = setTimeout(drawCountersCharts, CHART_THROTTLE_MS);
            const t = state.totals();
            if (t.acceptedToday !== lastTotals.acceptedToday || t.resolvedToday !== lastTotals.resolvedToday || t.open !== lastTotals.open) {
                lastTotals = { ...t };
                statsSoon();
            }
        },
    };
}
