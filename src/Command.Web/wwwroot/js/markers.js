// Workers, open cases and active warnings on the map. The workers (thousands) are dots on one canvas of their own
// (dots.js) under the cases; cases are Leaflet circleMarkers on the interactive canvas, created once and then moved
// or restyled in place; warnings are DOM pins (pins.js), the newest 50 pulsing. A batch never rebuilds a layer.

/* global L */
import { W_ID, W_LAT, W_LON, W_STATUS, W_V } from './store.js';
import { WorkerDots } from './dots.js';
import { WarningPins } from './pins.js';

const DENSE_SCALE = .6;      // thousands of workers seen from afar: smaller dots, so the map is not one blob
const DENSE_COUNT = 3000;
const DENSE_BELOW_ZOOM = 11;
// Warnings whose rings pulse (red first, then the newest); the others' ring stands still. Each pulse is two animated
// layers the page restyles and commits on every frame: 200 of them kept a busy city screen's main thread saturated on
// a 2-core machine without a GPU, 50 did not (see the commit that set it).
const PULSING_MAX = 50;
const URGENCY_COLOURS = { high: '#ff3b4f', medium: '#ff9d2e', low: '#ffd84a' };

function caseStyle(c) {
    const base = { fill: true, fillColor: URGENCY_COLOURS[c.urgency] ?? '#ff9d2e', fillOpacity: .95, radius: c.urgency === 'high' ? 7.5 : 6.5 };
    if (c.overdue) base.radius += 1.5;
    if (c.status === 'dispatched') return { ...base, stroke: true, color: '#ffffff', weight: 2.2, opacity: 1, dashArray: '3 3' };
    if (c.status === 'in_progress') return { ...base, stroke: true, color: '#ffffff', weight: 2.2, opacity: 1, dashArray: null };
    return { ...base, stroke: true, color: '#3ee0ff', weight: 1, opacity: .9, dashArray: null };
}

const styleKey = c => `${c.urgency}|${c.status}|${c.overdue ? 1 : 0}`;
const located = item => typeof item.lat === 'number' && typeof item.lon === 'number';

export function createMarkers({ map, renderer, workersClickable }, { onWorker, onCase, onWarning }) {
    const element = map.getContainer();
    const cases = new Map();       // code → CircleMarker (with .key)
    const warnings = new Map();    // id → WarningCard (those with a place: each a pin)

    // The workers' canvas lies under the interactive canvas (region hit areas, cases), which takes the clicks; a click
    // is the workers' when it lands on a dot and on no case (cases are drawn above them).
    map.createPane('workers').style.zIndex = 399;
    map.getPane('workers').style.pointerEvents = 'none';
    const workers = new WorkerDots({ pane: 'workers' }).addTo(map);
    const onMap = e => !e.target.closest('.leaflet-marker-icon, .leaflet-control, .warn-marker');
    element.addEventListener('click', e => {
        if (!onMap(e) || map.dragging?.moved?.()) return;
        const point = map.mouseEventToContainerPoint(e);
        if (caseAt(point) || !workersClickable()) return;
        const id = workers.hit(point);
        if (id == null) return;
        e.stopPropagation();   // not the region under it (a drill-down)
        onWorker(id);
    }, true);
    // The pointer over a worker shows it can be clicked (looked up once per frame at most).
    let hoverAt = null;
    let hoverAsked = false;
    element.addEventListener('mousemove', e => {
        hoverAt = onMap(e) ? map.mouseEventToContainerPoint(e) : null;
        if (hoverAsked) return;
        hoverAsked = true;
        requestAnimationFrame(() => {
            hoverAsked = false;
            element.classList.toggle('over-worker', hoverAt != null && workersClickable() && workers.hit(hoverAt) != null);
        });
    });
    element.addEventListener('mouseleave', () => {
        hoverAt = null;
        element.classList.remove('over-worker');
    });

    const caseLayer = L.featureGroup().addTo(map).on('click', e => onCase(e.layer.caseCode));
    map.createPane('warnings').style.zIndex = 600;
    map.getPane('warnings').style.pointerEvents = 'none';   // the pins take the pointer, not the space between them
    const pins = new WarningPins({ pane: 'warnings' }).addTo(map);
    element.addEventListener('click', e => {
        const id = pins.idOf(e);
        if (id == null || map.dragging?.moved?.()) return;
        e.stopPropagation();
        onWarning(warnings.get(id));
    });

    /** Whether a case is under a container point (it takes the click, not a worker under it: as Leaflet's canvas decides). */
    function caseAt(point) {
        const tolerance = renderer.options.tolerance ?? 0;
        for (const marker of cases.values()) {
            const p = map.latLngToContainerPoint(marker.getLatLng());
            const reach = marker.options.radius + (marker.options.stroke ? marker.options.weight / 2 : 0) + tolerance;
            if (Math.abs(p.x - point.x) <= reach && Math.abs(p.y - point.y) <= reach && p.distanceTo(point) <= reach) return true;
        }
        return false;
    }

    function upsertCase(c) {
        const marker = cases.get(c.code);
        if (!located(c)) {
            if (marker) removeCase(c.code);
            return;
        }
        if (!marker) {
            const created = L.circleMarker([c.lat, c.lon], { renderer, ...caseStyle(c) });
            created.caseCode = c.code;
            created.key = styleKey(c);
            cases.set(c.code, created);
            caseLayer.addLayer(created);
            return;
        }
        const at = marker.getLatLng();
        if (at.lat !== c.lat || at.lng !== c.lon) marker.setLatLng([c.lat, c.lon]);
        const key = styleKey(c);
        if (marker.key !== key) {
            marker.key = key;
            marker.setStyle(caseStyle(c));
        }
    }

    function removeCase(code) {
        const marker = cases.get(code);
        if (marker) {
            caseLayer.removeLayer(marker);
            cases.delete(code);
        }
    }

    function upsertWarning(w) {
        if (!located(w)) return removeWarning(w.id);
        warnings.set(w.id, w);
        pins.set(w.id, w.lat, w.lon, { title: `${w.kindName}：${w.message}`, red: w.level >= 2, pulse: pulsing.has(w.id) });
    }

    function removeWarning(id) {
        warnings.delete(id);
        pins.remove(id);
    }

    /** The warnings that pulse: at most PULSING_MAX, red before yellow, then the newest. */
    let pulsing = new Set();
    function choosePulsing() {
        const ranked = [...warnings.values()];
        if (ranked.length > PULSING_MAX) ranked.sort((a, b) => (b.level >= 2) - (a.level >= 2) || (b.raisedAt ?? 0) - (a.raisedAt ?? 0));
        const next = new Set(ranked.slice(0, PULSING_MAX).map(w => w.id));
        for (const id of warnings.keys()) if (next.has(id) !== pulsing.has(id)) pins.setPulse(id, next.has(id));
        pulsing = next;
    }

    /** Dense (many workers, zoomed out) or normal dots. */
    function resize() {
        workers.setScale(workers.count() > DENSE_COUNT && map.getZoom() < DENSE_BELOW_ZOOM ? DENSE_SCALE : 1);
    }
    map.on('zoomend', resize);

    let warningsChanged = false;
    let moved = [];         // workers changed since the last draw
    let added = false;      // and some were new (the dots may have to be smaller)
    let selection = null;   // a ring around the case whose card is open

    function select(code) {
        selection?.remove();
        selection = null;
        const marker = code && cases.get(code);
        if (!marker) return;
        const at = marker.getLatLng();
        selection = L.marker(at, { icon: L.divIcon({ className: 'select-ring', html: '<i></i>', iconSize: [40, 40] }), interactive: false, keyboard: false, pane: 'labels' }).addTo(map);
        selection.caseCode = code;
        if (!map.getBounds().contains(at)) map.panTo(at);
    }

    function count() {
        const set = (name, n) => {
            if (element.dataset[name] !== String(n)) element.dataset[name] = String(n);
        };
        set('workers', workers.count());
        set('cases', cases.size);
        set('warnings', warnings.size);
    }

    return {
        /** Draws a whole state afresh (a snapshot or a new scope). */
        replace(state) {
            caseLayer.clearLayers();
            pins.clear();
            workers.clear();
            moved = [];
            added = false;
            cases.clear();
            warnings.clear();
            for (const w of state.workers.values()) workers.set(w[W_ID], w[W_LAT], w[W_LON], w[W_STATUS]);
            resize();
            workers.draw();
            for (const c of state.cases.values()) upsertCase(c);
            pulsing = new Set();
            for (const w of state.warnings.values()) upsertWarning(w);
            choosePulsing();
            count();
        },

        /** Applies what a batch changed; the workers are drawn by draw(), once for all the batches of a frame. */
        apply(changes) {
            for (const w of changes.workers) {
                if (workers.set(w[W_ID], w[W_LAT], w[W_LON], w[W_STATUS])) added = true;
                moved.push(w);
            }
            for (const c of changes.cases) upsertCase(c);
            for (const code of changes.casesRemoved) removeCase(code);
            if (selection && (changes.cases.length || changes.casesRemoved.length)) {
                const held = cases.get(selection.caseCode);
                if (held) selection.setLatLng(held.getLatLng());
                else select(null);
            }
            for (const w of changes.warnings) upsertWarning(w);
            for (const id of changes.warningsRemoved) removeWarning(id);
            if (changes.warnings.length || changes.warningsRemoved.length) warningsChanged = true;
            count();
        },

        /** Draws the workers changed since the last draw; `probe` (a Map or null) records when each worker version was drawn. */
        draw(probe) {
            if (warningsChanged) {
                warningsChanged = false;
                choosePulsing();
            }
            if (moved.length === 0) return;
            if (added) resize();
            added = false;
            workers.draw();
            if (probe) {
                const drawn = Date.now();
                for (const w of moved) probe.set(`${w[W_ID]}@${w[W_V]}`, drawn);
            }
            moved = [];
        },

        select,

        /** Where a worker, case or warning is drawn, in the page's pixels (for tests and monitoring); null when not drawn or out of view. */
        pointOf(kind, key) {
            const at = kind === 'worker' ? workers.latLngOf(Number(key)) : kind === 'case' ? cases.get(key)?.getLatLng() : pins.latLngOf(key);
            if (!at) return null;
            const p = map.latLngToContainerPoint(at);
            const size = map.getSize();
            if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return null;
            const rect = element.getBoundingClientRect();
            const scale = rect.width / element.offsetWidth;
            return { x: rect.left + p.x * scale, y: rect.top + p.y * scale };
        },
    };
}
