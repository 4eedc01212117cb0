// Workers, open cases and active warnings on the map. Thousands of markers: every one is created once and then
// moved or restyled in place (setLatLng/setStyle on Leaflet's canvas renderer); a batch never rebuilds a layer.

/* global L */
import { W_ID, W_LAT, W_LON, W_STATUS, W_V } from './store.js';

const WORKER_COLOURS = ['#71819a', '#2ee87a', '#22d3ee', '#ff9d2e'];   // 离线, 在岗, 巡查中, 处置中
const workerStyles = scale => WORKER_COLOURS.map((fillColor, status) => ({
    radius: (status === 0 ? 3 : status === 3 ? 4.5 : 3.6) * scale, stroke: false, fill: true, fillColor, fillOpacity: status === 0 ? .6 : .95,
}));
const NORMAL = workerStyles(1);
const DENSE = workerStyles(.6);      // thousands of workers seen from afar: smaller dots, so the map is not one blob
const DENSE_COUNT = 3000;
const DENSE_BELOW_ZOOM = 11;
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

export function createMarkers({ map, renderer }, { onWorker, onCase, onWarning }) {
    const element = map.getContainer();
    const workers = new Map();     // id → CircleMarker (with .status)
    let styles = NORMAL;
    const cases = new Map();       // code → CircleMarker (with .key)
    const warnings = new Map();    // id → Marker

    const workerLayer = L.featureGroup().addTo(map).on('click', e => onWorker(e.layer.workerId));
    const caseLayer = L.featureGroup().addTo(map).on('click', e => onCase(e.layer.caseCode));
    const warningLayer = L.featureGroup().addTo(map).on('click', e => onWarning(e.layer.warning));

    function addWorker(w) {
        const marker = L.circleMarker([w[W_LAT], w[W_LON]], { renderer, ...styles[w[W_STATUS]] ?? styles[0] });
        marker.workerId = w[W_ID];
        marker.status = w[W_STATUS];
        workers.set(w[W_ID], marker);
        workerLayer.addLayer(marker);
    }

    function updateWorker(w) {
        const marker = workers.get(w[W_ID]);
        if (!marker) return addWorker(w);
        const at = marker.getLatLng();
        if (at.lat !== w[W_LAT] || at.lng !== w[W_LON]) marker.setLatLng([w[W_LAT], w[W_LON]]);
        if (marker.status !== w[W_STATUS]) {
            marker.status = w[W_STATUS];
            marker.setStyle(styles[w[W_STATUS]] ?? styles[0]);
        }
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
        removeWarning(w.id);
        if (!located(w)) return;
        const red = w.level >= 2;
        const icon = L.divIcon({ className: red ? 'warn-marker red' : 'warn-marker yellow', html: '<i></i>', iconSize: [20, 20] });
        const marker = L.marker([w.lat, w.lon], { icon, title: `${w.kindName}：${w.message}`, keyboard: false, zIndexOffset: red ? 1000 : 0 });
        marker.warning = w;
        warnings.set(w.id, marker);
        warningLayer.addLayer(marker);
    }

    function removeWarning(id) {
        const marker = warnings.get(id);
        if (marker) {
            warningLayer.removeLayer(marker);
            warnings.delete(id);
        }
    }

    /** Dense (many workers, zoomed out) or normal dots; restyles every worker only when that changes. */
    function resize() {
        const wanted = workers.size > DENSE_COUNT && map.getZoom() < DENSE_BELOW_ZOOM ? DENSE : NORMAL;
        if (wanted === styles) return;
        styles = wanted;
        for (const marker of workers.values()) marker.setStyle(styles[marker.status] ?? styles[0]);
    }
    map.on('zoomend', resize);

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
        element.dataset.workers = String(workers.size);
        element.dataset.cases = String(cases.size);
        element.dataset.warnings = String(warnings.size);
    }

    return {
        /** Draws a whole state afresh (a snapshot or a new scope). */
        replace(state) {
            workerLayer.clearLayers();
            caseLayer.clearLayers();
            warningLayer.clearLayers();
            workers.clear();
            cases.clear();
            warnings.clear();
            styles = state.workers.size > DENSE_COUNT && map.getZoom() < DENSE_BELOW_ZOOM ? DENSE : NORMAL;
            for (const w of state.workers.values()) addWorker(w);
            for (const c of state.cases.values()) upsertCase(c);
            for (const w of state.warnings.values()) upsertWarning(w);
            count();
        },

        /** Applies what a batch changed; `probe` (a Map or null) records when each worker version was drawn. */
        apply(changes, probe) {
            for (const w of changes.workers) {
                updateWorker(w);
                if (probe) probe.set(`${w[W_ID]}@${w[W_V]}`, Date.now());
            }
            // Workers seen for the first time were drawn last: keep the cases above them.
            if (changes.newWorkers > 0) for (const marker of cases.values()) marker.bringToFront();
            for (const c of changes.cases) upsertCase(c);
            for (const code of changes.casesRemoved) removeCase(code);
            if (selection && (changes.cases.length || changes.casesRemoved.length)) {
                const held = cases.get(selection.caseCode);
                if (held) selection.setLatLng(held.getLatLng());
                else select(null);
            }
            for (const w of changes.warnings) {
                const held = warnings.get(w.id);
                if (held && held.warning.level === w.level && held.warning.lat === w.lat && held.warning.lon === w.lon) held.warning = w;
                else upsertWarning(w);
            }
            for (const id of changes.warningsRemoved) removeWarning(id);
            count();
        },

        select,

        /** Where a worker, case or warning is drawn, in the page's pixels (for tests and monitoring); null when not drawn or out of view. */
        pointOf(kind, key) {
            const marker = (kind === 'worker' ? workers : kind === 'case' ? cases : warnings).get(kind === 'worker' ? Number(key) : key);
            if (!marker) return null;
            const p = map.latLngToContainerPoint(marker.getLatLng());
            const size = map.getSize();
            if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return null;
            const rect = element.getBoundingClientRect();
            const scale = rect.width / element.offsetWidth;
            return { x: rect.left + p.x * scale, y: rect.top + p.y * scale };
        },
    };
}
