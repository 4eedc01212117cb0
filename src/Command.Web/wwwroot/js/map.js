// The Leaflet map: no tiles unless configured, the scope's child regions drawn as glowing outlines with labels,
// finer boundaries (villages, grids) fetched on demand when zoomed in, and a click on a region to drill down.
// Zoomed in further still on a county, the grids of the villages in view are drawn too (thin lines, no labels).
//
// Two canvases: `regions` (below, never takes the mouse) draws the outlines; the interactive canvas in the overlay
// pane holds invisible hit areas of the regions first and the markers after them, so a click on a marker wins over
// the region under it (Leaflet's canvas gives a click to the last layer drawn under the pointer).

/* global L */
import { el, getJson } from './util.js';

const DRILLABLE = new Set(['City', 'County', 'Township', 'Village']);
const DETAIL_ZOOM_STEP = 1.5;   // finer boundaries from this many zoom levels above the scope's fitted view
const GRID_ZOOM_STEP = 3;       // the grids of the villages in view from this many (a county: past its villages)
const SCOPE_RETRY_MS = 5000;
const FIT_PADDING = 10;         // px around the scope's regions when it is fitted to the map    // a scope whose boundaries failed to load is asked for again after this

const OUTLINE = { stroke: true, color: '#3fb6ff', weight: 1.6, opacity: .95, fill: true, fillColor: '#0d4aa0', fillOpacity: .16 };
const OUTLINE_HOVER = { fillColor: '#1e7bff', fillOpacity: .36, color: '#9fe6ff', weight: 2.2 };
const GLOW = { stroke: true, color: '#1e90ff', weight: 7, opacity: .16, fill: false, interactive: false };
const DETAIL = { stroke: true, color: '#78beff', weight: .8, opacity: .55, dashArray: '4 4', fill: false, interactive: false };
const GRID = { stroke: true, color: '#5ad1ff', weight: .6, opacity: .5, dashArray: '2 3', fill: false, interactive: false };
const HIT = { stroke: false, fill: true, fillOpacity: 0 };

export function createMap(element, { tileUrl, onDrill, onRegionFailed }) {
    const map = L.map(element, {
        zoomControl: false, attributionControl: false, preferCanvas: true, zoomSnap: .25, zoomDelta: .5,
        minZoom: 4, maxZoom: 18, wheelPxPerZoomLevel: 120, center: [40.4, 111.8], zoom: 9,
    });
    L.control.zoom({ position: 'topright', zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);

    map.createPane('regions').style.zIndex = 350;
    map.getPane('regions').classList.add('leaflet-regions-pane');
    map.createPane('labels').style.zIndex = 450;
    map.getPane('labels').style.pointerEvents = 'none';
    // Villages' and grids' names lie under the workers' dots (pane 399), which they would otherwise hide when zoomed in.
    map.createPane('sublabels').style.zIndex = 380;
    map.getPane('sublabels').style.pointerEvents = 'none';
    const outlines = L.canvas({ pane: 'regions', padding: .3 });
    const renderer = L.canvas({ padding: .3, tolerance: 4 });  // interactive: region hit areas, workers, cases

    const cache = new Map();          // code → Promise<GeoJSON FeatureCollection>
    const boundaries = (code) => {
        if (!cache.has(code)) {
            const loading = getJson(`/api/regions/${encodeURIComponent(code)}/boundaries`);
            loading.catch(() => cache.delete(code));
            cache.set(code, loading);
        }
        return cache.get(code);
    };

    let scopeCode = null;
    let scopeLayers = [];             // outlines, glow, hits and labels of the current scope's children
    let labels = new Map();           // child code → { node, badge }
    let detail = new Map();           // child code → layers of its own children (drawn when zoomed in)
    let grids = new Map();            // village code (a child's child) → { layer } of its grids, while in view
    let childBounds = new Map();      // child code → LatLngBounds
    let scopeBounds = null;
    let baseZoom = null;
    let drillable = false;            // the scope's children are regions to drill into (not a village's grids)
    let drawToken = 0;
    let retryTimer = null;

    function clearScope() {
        for (const layer of scopeLayers) layer.remove();
        for (const group of detail.values()) group.remove();
        for (const slot of grids.values()) slot.layer?.remove();
        scopeLayers = [];
        labels = new Map();
        detail = new Map();
        grids = new Map();
        childBounds = new Map();
        scopeBounds = null;
        baseZoom = null;
        drillable = false;
    }

    /** Shows the scope's children (fetching their boundaries) and fits the view to them. */
    async function setScope(scope, { fit = true } = {}, attempt = 0) {
        if (scope.code === scopeCode) return;
        clearTimeout(retryTimer);
        retryTimer = null;
        scopeCode = scope.code;
        const token = ++drawToken;
        let geo;
        try {
            geo = await boundaries(scope.code);
        } catch (e) {
            if (token !== drawToken) return;
            // Nothing of the scope before stays clickable (a click would drill into a region not on the screen),
            // and this scope is loaded again: by the next setScope, or in a few seconds.
            clearScope();
            scopeCode = null;
            if (attempt === 0) onRegionFailed?.(e);
            retryTimer = setTimeout(() => {
                retryTimer = null;
                if (token === drawToken) setScope(scope, { fit }, attempt + 1);
            }, SCOPE_RETRY_MS);
            return;
        }
        if (token !== drawToken) return;   // another scope was asked for meanwhile
        clearScope();
        const hits = [];
        for (const feature of geo.features ?? []) {
            const p = feature.properties ?? {};
            const glow = L.geoJSON(feature, { renderer: outlines, style: () => GLOW, interactive: false });
            const outline = L.geoJSON(feature, { renderer: outlines, style: () => OUTLINE, interactive: false });
            const canDrill = DRILLABLE.has(p.level) && p.code !== scope.code;
            drillable ||= canDrill;
            const hit = L.geoJSON(feature, { renderer, style: () => HIT, interactive: canDrill });
            if (canDrill) {
                hit.on('mouseover', () => outline.setStyle(OUTLINE_HOVER));
                hit.on('mouseout', () => outline.setStyle(OUTLINE));
                hit.on('click', () => onDrill(p.code));
            }
            const bounds = outline.getBounds();
            childBounds.set(p.code, bounds);
            const label = labelFor(p, feature.geometry, bounds);
            labels.set(p.code, label);
            scopeLayers.push(glow, outline, hit, label.marker);
            glow.addTo(map);
            outline.addTo(map);
            label.marker.addTo(map);
            hits.push(hit);
        }
        // Hit areas go under any marker already drawn.
        for (const hit of hits) {
            hit.addTo(map);
            hit.eachLayer(l => l.bringToBack());
        }
        scopeBounds = L.latLngBounds([...childBounds.values()].flatMap(b => [b.getSouthWest(), b.getNorthEast()]));
        if (fit && scopeBounds.isValid()) fitExactly(scopeBounds);
        baseZoom = map.getZoom();
        applyCounts(lastCounts);
        declutter();
        updateDetail();
    }

    function labelFor(p, geometry, bounds) {
        const badge = el('b');
        badge.hidden = true;
        const node = el('span', {}, p.name ?? p.code, badge);
        const icon = L.divIcon({ className: 'region-label', html: el('div', {}, node), iconSize: null });
        const centre = centreOf(geometry);
        const pane = p.level === 'Grid' ? 'sublabels' : 'labels';
        const marker = L.marker(centre?.at ?? bounds.getCenter(), { icon, pane, interactive: false, keyboard: false });
        return { marker, badge, node, area: centre?.area ?? 0 };
    }

    /** Hides labels that would overlap one drawn before them (bigger regions first, finer boundaries last). */
    function declutter() {
        const placed = [];
        const all = [...[...labels.values()].sort((a, b) => b.area - a.area), ...[...detail.values()].flatMap(g => (map.hasLayer(g) ? g.labels ?? [] : []))];
        for (const label of all) {
            const element = label.marker.getElement();
            if (!element) continue;
            label.width ??= label.node.offsetWidth;
            label.height ??= label.node.offsetHeight;
            const p = map.latLngToContainerPoint(label.marker.getLatLng());
            const box = { left: p.x - label.width / 2 - 2, right: p.x + label.width / 2 + 2, top: p.y - label.height / 2, bottom: p.y + label.height / 2 };
            const clash = placed.some(q => box.left < q.right && box.right > q.left && box.top < q.bottom && box.bottom > q.top);
            element.style.visibility = clash ? 'hidden' : '';
            if (!clash) placed.push(box);
        }
    }

    /**
     * Fits the scope to the map as tightly as it goes: the zoom is not rounded down to the next quarter step (a tall
     * county in the wide map lost a fifth of its height to that), and the padding is small.
     */
    function fitExactly(bounds) {
        const snap = map.options.zoomSnap;
        map.options.zoomSnap = 0;
        try {
            map.fitBounds(bounds, { padding: [FIT_PADDING, FIT_PADDING], animate: false });
        } finally {
            map.options.zoomSnap = snap;
        }
    }

    let lastCounts = new Map();
    /** Shows each child's open cases on its label (red when some are overdue). */
    function applyCounts(counters) {
        lastCounts = counters;
        for (const [code, label] of labels) {
            const c = counters.get(code);
            const open = c?.open ?? 0;
            const key = `${open}|${c?.overdue ?? ''}`;
            if (label.shown === key) continue;   // counters move all the time; the badges rarely
            label.shown = key;
            const badge = label.badge;
            badge.hidden = open === 0;
            badge.textContent = open > 0 ? String(open) : '';
            badge.style.background = c?.overdue > 0 ? '#ff4d5e' : '#1f7ae0';
            badge.title = c ? `在办 ${open}，超期 ${c.overdue ?? 0}` : '';
        }
    }

    /**
     * Zoomed in: draw the boundaries inside each visible child (villages of a township, grids of a village); further
     * in, the grids inside each visible village of those.
     */
    function updateDetail() {
        if (baseZoom == null) return;
        const zoom = map.getZoom();
        const zoomedIn = zoom >= baseZoom + DETAIL_ZOOM_STEP;
        const view = map.getBounds();
        for (const [code, bounds] of childBounds) {
            const wanted = zoomedIn && code.length < 15 && view.intersects(bounds);
            const group = detail.get(code);
            if (!wanted) group?.remove();
            else if (!group) loadDetail(code);
            else if (group.labels && !map.hasLayer(group)) group.addTo(map);
        }
        updateGrids(zoom >= baseZoom + GRID_ZOOM_STEP, view);
        declutter();
    }

    /** The grids of the villages drawn and in view; the others' are dropped (their GeoJSON stays in the cache). */
    function updateGrids(zoomedIn, view) {
        const wanted = new Set();
        if (zoomedIn) {
            for (const group of detail.values()) {
                if (!map.hasLayer(group)) continue;
                for (const village of group.villages ?? []) if (view.intersects(village.bounds)) wanted.add(village.code);
            }
        }
        for (const [code, slot] of grids) {
            if (wanted.has(code)) continue;
            slot.layer?.remove();
            grids.delete(code);
        }
        for (const code of wanted) if (!grids.has(code)) loadGrids(code);
    }

    async function loadGrids(code) {
        const slot = { layer: null };
        grids.set(code, slot);
        let geo;
        try {
            geo = await boundaries(code);
        } catch {
            if (grids.get(code) === slot) grids.delete(code);   // asked for again on the next move
            return;
        }
        if (grids.get(code) !== slot) return;   // dropped meanwhile (zoomed out, moved away, another scope)
        slot.layer = L.geoJSON(geo, { renderer: outlines, style: () => GRID, interactive: false }).addTo(map);
    }

    async function loadDetail(code) {
        const group = L.layerGroup();
        detail.set(code, group);
        const owner = scopeCode;
        try {
            const geo = await boundaries(code);
            if (owner !== scopeCode || detail.get(code) !== group) return;
            L.geoJSON(geo, { renderer: outlines, style: () => DETAIL, interactive: false }).addTo(group);
            const labelled = [];
            for (const f of geo.features ?? []) {
                const centre = centreOf(f.geometry);
                if (!centre) continue;
                const node = el('span', { text: f.properties?.name ?? '' });
                const icon = L.divIcon({ className: 'region-label small', html: el('div', {}, node), iconSize: null });
                labelled.push({ marker: L.marker(centre.at, { icon, pane: 'sublabels', interactive: false, keyboard: false }).addTo(group), node, area: centre.area });
            }
            group.labels = labelled;
            // The villages among them, whose grids show when zoomed in further.
            group.villages = [];
            for (const f of geo.features ?? []) {
                if (f.properties?.level !== 'Village' || !f.geometry) continue;
                const bounds = L.geoJSON(f).getBounds();
                if (bounds.isValid()) group.villages.push({ code: f.properties.code, bounds });
            }
            if (map.getZoom() >= baseZoom + DETAIL_ZOOM_STEP) {
                group.addTo(map);
                updateDetail();
            }
        } catch {
            detail.delete(code);
        }
    }

    map.on('zoomend moveend', updateDetail);
    map.on('zoomend', declutter);

    return {
        map,
        renderer,
        setScope,
        applyCounts,
        /**
         * Whether a click on a worker's dot opens the worker: not at a scope's own view while its children are regions to
         * drill into (there a click means that region: a county's thousands of dots would take almost every click);
         * once zoomed in, or inside a village (its children are grids), it does.
         */
        workersClickable() {
            return !drillable || baseZoom == null || map.getZoom() >= baseZoom + DETAIL_ZOOM_STEP;
        },
        /** Forgets the scope drawn, so the next setScope draws even the same code again. */
        reset() {
            scopeCode = null;
        },
        /** Zooms to one child region (a grid in the list of a village, for example). */
        focus(code) {
            const b = childBounds.get(code);
            if (b) map.flyToBounds(b, { padding: [40, 40], maxZoom: 17, duration: .6 });
        },
    };
}

/**
 * The area-weighted centroid of the largest ring of a (Multi)Polygon (inside for the convex cells the importer
 * draws), and that ring's area in square degrees (to rank labels).
 */
function centreOf(geometry) {
    if (!geometry) return null;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    let best = null;
    let bestArea = 0;
    for (const polygon of polygons) {
        const ring = polygon[0];
        let a = 0, x = 0, y = 0;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
            a += f;
            x += (ring[j][0] + ring[i][0]) * f;
            y += (ring[j][1] + ring[i][1]) * f;
        }
        if (Math.abs(a) > bestArea && a !== 0) {
            bestArea = Math.abs(a);
            best = [y / (3 * a), x / (3 * a)];
        }
    }
    return best && { at: best, area: bestArea / 2 };
}
