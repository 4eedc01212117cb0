// The workers on the map: one canvas for all of them (a city has ~15,000). Leaflet's own canvas renderer keeps a
// path per circleMarker and redraws every path in the dirty area whenever one moves; with a city's workers moving
// that was the whole map many times a second, most of the page's time in native drawing.
//
// Here the workers live in flat typed arrays (Web Mercator precomputed once per fix) and are stamped as small
// anti-aliased dots straight into an ImageData, written to the canvas with one putImageData: on this software
// renderer that is ~5 ms for 15,000 dots where 15,000 canvas arcs cost ~50 ms. The canvas is positioned and
// zoom-animated by Leaflet's Renderer base class (like its canvas renderer), redrawn when the view settles and, for
// changes, when screen.js asks (once per animation frame at most). Clicks are hit-tested by the nearest dot.

/* global L */

const STATUS_COLOURS = [[0x71, 0x81, 0x9a], [0x2e, 0xe8, 0x7a], [0x22, 0xd3, 0xee], [0xff, 0x9d, 0x2e]];   // 离线, 在岗, 巡查中, 处置中
const STATUS_ALPHA = [.6, .95, .95, .95];
const STATUS_RADIUS = [3, 3.6, 3.6, 4.5];
const DRAW_ORDER = [0, 1, 2, 3];   // 处置中 last, on top
const MAX_LATITUDE = 85.0511287798;
const D = Math.PI / 180;

/** A dot as RGBA pixels (little-endian Uint32: 0xAABBGGRR) of a (2R+1)² square, its edge anti-aliased. */
function stamp([r, g, b], alpha, radius) {
    const R = Math.ceil(radius);
    const size = 2 * R + 1;
    const pixels = new Uint32Array(size * size);
    for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
            const cover = Math.max(0, Math.min(1, radius + .5 - Math.hypot(x - R, y - R)));
            const a = Math.round(cover * alpha * 255);
            pixels[y * size + x] = a === 0 ? 0 : ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
        }
    }
    return { R, size, pixels, radius };
}

export const WorkerDots = L.Renderer.extend({
    options: { pane: 'workers', padding: .1 },

    initialize(options) {
        L.Renderer.prototype.initialize.call(this, options);
        this._n = 0;
        this._index = new Map();   // worker id → slot
        this._grow(1024);
        this._scale = 1;           // dot size: 1, or smaller for thousands seen from afar
        this._stamps = null;
        this._image = null;
    },

    _grow(capacity) {
        const copy = (Type, old) => {
            const next = new Type(capacity);
            if (old) next.set(old.subarray(0, this._n));
            return next;
        };
        this._ids = copy(Float64Array, this._ids);
        this._lat = copy(Float64Array, this._lat);
        this._lon = copy(Float64Array, this._lon);
        this._mx = copy(Float64Array, this._mx);   // Web Mercator in [0, 1): pixel = m × 256 × 2^zoom
        this._my = copy(Float64Array, this._my);
        this._status = copy(Uint8Array, this._status);
    },

    count() {
        return this._n;
    },

    clear() {
        this._n = 0;
        this._index.clear();
    },

    /** Adds a worker or moves/restyles it; answers whether it was new. Draws nothing (see draw()). */
    set(id, lat, lon, status) {
        let i = this._index.get(id);
        const added = i === undefined;
        if (added) {
            if (this._n === this._ids.length) this._grow(this._ids.length * 2);
            i = this._n++;
            this._index.set(id, i);
            this._ids[i] = id;
        }
        if (added || this._lat[i] !== lat || this._lon[i] !== lon) {
            this._lat[i] = lat;
            this._lon[i] = lon;
            const phi = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * D;
            this._mx[i] = lon / 360 + .5;
            this._my[i] = .5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
        }
        this._status[i] = status > 0 && status < STATUS_COLOURS.length ? status : 0;
        return added;
    },

    latLngOf(id) {
        const i = this._index.get(id);
        return i === undefined ? null : L.latLng(this._lat[i], this._lon[i]);
    },

    /** Dot size relative to normal (0.6 for a city's thousands when zoomed out), from the next draw on. */
    setScale(scale) {
        if (scale === this._scale) return;
        this._scale = scale;
        this._stamps = null;
    },

    /** The id of the dot nearest a container point, within its radius plus `tolerance` pixels; null if none. */
    hit(containerPoint, tolerance = 4) {
        if (!this._map || this._n === 0) return null;
        const map = this._map;
        const p = map.containerPointToLayerPoint(containerPoint);
        const origin = map.getPixelOrigin();
        const world = 256 * 2 ** map.getZoom();
        const x = p.x + origin.x;
        const y = p.y + origin.y;
        const reach = STATUS_RADIUS[3] * this._scale + tolerance;
        let best = -1;
        let bestD = Infinity;
        for (let i = 0; i < this._n; i++) {
            const dx = this._mx[i] * world - x;
            if (dx > reach || dx < -reach) continue;
            const dy = this._my[i] * world - y;
            if (dy > reach || dy < -reach) continue;
            const d = Math.hypot(dx, dy);
            const limit = STATUS_RADIUS[this._status[i]] * this._scale + tolerance;
            // Among dots under the pointer, the one drawn on top (a later status) wins, then the nearest.
            if (d <= limit && (best < 0 || this._status[i] > this._status[best] || (this._status[i] === this._status[best] && d < bestD))) {
                best = i;
                bestD = d;
            }
        }
        return best < 0 ? null : this._ids[best];
    },

    // ---------- the container (L.Renderer positions it and animates zooms) ----------
    _initContainer() {
        const canvas = (this._container = document.createElement('canvas'));
        canvas.className = 'worker-dots';
        this._ctx = canvas.getContext('2d');
    },

    _destroyContainer() {
        this._container.remove();
        this._container = null;
        this._ctx = null;
        this._image = null;
    },

    _update() {
        if (this._map._animatingZoom && this._bounds) return;
        L.Renderer.prototype._update.call(this);
        this._origin = this._map.getPixelOrigin();   // the frame the canvas is drawn in (zooms in between only scale it)
        const b = this._bounds;
        const size = b.getSize();
        const m = this._ratio = window.devicePixelRatio > 1 ? 2 : 1;
        const canvas = this._container;
        L.DomUtil.setPosition(canvas, b.min);
        if (canvas.width !== m * size.x || canvas.height !== m * size.y) {
            canvas.width = m * size.x;
            canvas.height = m * size.y;
            this._image = null;
        }
        canvas.style.width = `${size.x}px`;
        canvas.style.height = `${size.y}px`;
        this.draw();
    },

    /** Draws every worker now (after changes: screen.js calls it once per animation frame at most). */
    draw() {
        if (!this._map || !this._ctx || !this._bounds || this._map._animatingZoom) {
            this._stale = true;   // drawn when the zoom animation ends (_update)
            return;
        }
        this._stale = false;
        const m = this._ratio;
        const canvas = this._container;
        const width = canvas.width;
        const height = canvas.height;
        if (!this._image || this._image.width !== width || this._image.height !== height) {
            this._image = this._ctx.createImageData(width, height);
            this._pixels = new Uint32Array(this._image.data.buffer);
        }
        if (!this._stamps || this._stamps.ratio !== m) {
            this._stamps = STATUS_COLOURS.map((c, s) => stamp(c, STATUS_ALPHA[s], STATUS_RADIUS[s] * this._scale * m));
            this._stamps.ratio = m;
        }
        const pixels = this._pixels;
        pixels.fill(0);
        // canvas pixel = (Mercator × world − the map's pixel origin − the canvas's top-left) × ratio, all as of _update
        const world = 256 * 2 ** this._zoom * m;
        const origin = this._origin;
        const left = (origin.x + this._bounds.min.x) * m;
        const top = (origin.y + this._bounds.min.y) * m;
        const mx = this._mx;
        const my = this._my;
        const status = this._status;
        const n = this._n;
        for (const s of DRAW_ORDER) {
            const { R, size, pixels: dot } = this._stamps[s];
            for (let i = 0; i < n; i++) {
                if (status[i] !== s) continue;
                const x0 = Math.round(mx[i] * world - left) - R;
                const y0 = Math.round(my[i] * world - top) - R;
                if (x0 >= 0 && y0 >= 0 && x0 + size <= width && y0 + size <= height) {
                    // Inside: copy the dot's pixels over anything fainter (an earlier dot's edge).
                    for (let y = 0, k = 0; y < size; y++) {
                        for (let o = (y0 + y) * width + x0, end = o + size; o < end; o++, k++) {
                            const p = dot[k];
                            if (p !== 0 && p >>> 24 >= pixels[o] >>> 24) pixels[o] = p;
                        }
                    }
                } else if (x0 < width && y0 < height && x0 + size > 0 && y0 + size > 0) {
                    // On the edge: only the part on the canvas.
                    for (let y = Math.max(0, -y0); y < Math.min(size, height - y0); y++) {
                        for (let x = Math.max(0, -x0); x < Math.min(size, width - x0); x++) {
                            const p = dot[y * size + x];
                            const o = (y0 + y) * width + x0 + x;
                            if (p !== 0 && p >>> 24 >= pixels[o] >>> 24) pixels[o] = p;
                        }
                    }
                }
            }
        }
        this._ctx.putImageData(this._image, 0, 0);
    },
});
