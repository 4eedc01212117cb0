// The active warnings on the map: DOM pins (a dot with rings) in one container, the newest few hundred pulsing.
// Leaflet's own markers are each placed with a translate3d, which makes every one a compositor layer: at city scope
// (500+ warnings) the page committed ~1,000 layers on every frame (~37 ms of main thread a frame with the pulses).
// Here the pins sit at left/top inside one container, which Leaflet's Renderer base class positions and
// zoom-animates like its canvas; only a pulsing ring is a layer of its own (CSS animation on the compositor).

/* global L */

export const WarningPins = L.Renderer.extend({
    options: { pane: 'warnings', padding: 0 },

    initialize(options) {
        L.Renderer.prototype.initialize.call(this, options);
        this._pins = new Map();   // id → { node, lat, lon }
    },

    /** Adds or replaces a pin; `title` is its tooltip, `red` its colour, `pulse` whether its rings pulse. */
    set(id, lat, lon, { title, red, pulse }) {
        let pin = this._pins.get(id);
        if (!pin) {
            const node = document.createElement('div');
            node.appendChild(document.createElement('i'));
            node.dataset.pin = id;
            pin = { node, lat, lon };
            this._pins.set(id, pin);
        }
        pin.node.className = `warn-marker ${red ? 'red' : 'yellow'}${pulse ? ' pulsing' : ''}`;
        if (pin.red !== red) {
            pin.red = red;
            if (this._container) this._group(red).appendChild(pin.node);
        }
        pin.node.title = title;
        if (pin.lat !== lat || pin.lon !== lon || !pin.placed) {
            pin.lat = lat;
            pin.lon = lon;
            this._place(pin);
        }
    },

    setPulse(id, pulse) {
        this._pins.get(id)?.node.classList.toggle('pulsing', pulse);
    },

    remove(id) {
        const pin = this._pins.get(id);
        if (!pin) return;
        pin.node.remove();
        this._pins.delete(id);
    },

    clear() {
        for (const pin of this._pins.values()) pin.node.remove();
        this._pins.clear();
    },

    has(id) {
        return this._pins.has(id);
    },

    count() {
        return this._pins.size;
    },

    latLngOf(id) {
        const pin = this._pins.get(id);
        return pin ? L.latLng(pin.lat, pin.lon) : null;
    },

    /** The id of the pin an event happened on, or null. */
    idOf(event) {
        const node = event.target.closest?.('.warn-marker');
        return node && this._container?.contains(node) ? node.dataset.pin : null;
    },

    _place(pin) {
        if (!this._map || !this._bounds) {
            pin.placed = false;
            return;
        }
        // Layer point as of the last _update, less the container's top-left (where L.Renderer put it).
        const p = this._map.project([pin.lat, pin.lon], this._zoom).subtract(this._origin).subtract(this._bounds.min);
        pin.node.style.left = `${Math.round(p.x)}px`;
        pin.node.style.top = `${Math.round(p.y)}px`;
        pin.placed = true;
    },

    // ---------- the container (L.Renderer positions it and animates zooms) ----------
    _initContainer() {
        this._container = document.createElement('div');
        this._container.className = 'warning-pins';
        this._yellow = this._container.appendChild(document.createElement('div'));
        this._red = this._container.appendChild(document.createElement('div'));   // drawn over the yellow ones
        this._red.className = 'red-pins';
        for (const pin of this._pins.values()) this._group(pin.red).appendChild(pin.node);
    },

    _group(red) {
        return red ? this._red : this._yellow;
    },

    _destroyContainer() {
        this._container.remove();
        this._container = null;
    },

    _update() {
        if (this._map._animatingZoom && this._bounds) return;
        L.Renderer.prototype._update.call(this);
        this._origin = this._map.getPixelOrigin();
        L.DomUtil.setPosition(this._container, this._bounds.min);
        for (const pin of this._pins.values()) this._place(pin);
    },
});
