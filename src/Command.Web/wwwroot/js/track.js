// Replay of a worker's track on the map: the day's polyline, the part already travelled, and a moving head,
// driven by a range input and a play button.

/* global L */
import { el, setText, formatTime } from './util.js';

const PLAY_SECONDS = 20;    // a whole day's track plays in about this long
const FRAME_MS = 50;

export function createTrack(map) {
    map.createPane('track').style.zIndex = 460;
    map.getPane('track').style.pointerEvents = 'none';
    const renderer = L.svg({ pane: 'track' });
    let layers = [];
    let timer = null;
    let saved = null;   // the view before the first track was fitted, to go back to when the card closes

    /** Removes the track; with `restore`, also goes back to the view before it. */
    function clear({ restore = false } = {}) {
        clearInterval(timer);
        timer = null;
        for (const l of layers) l.remove();
        layers = [];
        if (restore && saved) map.flyTo(saved.center, saved.zoom, { duration: .6 });
        if (restore) saved = null;
    }

    /** Draws `points` ([{lat, lon, time}], oldest first) and answers the replay controls to put in a card. */
    function show(points) {
        clear();
        const slider = el('input', { attrs: { id: 'track-slider', type: 'range', min: 0, max: Math.max(0, points.length - 1), value: Math.max(0, points.length - 1), step: 1, 'aria-label': '轨迹回放' } });
        const play = el('button', { text: '▶ 播放', attrs: { type: 'button' } });
        const at = el('span', { className: 'at' });
        const controls = el('div', { className: 'replay' }, play, slider, at);
        if (points.length === 0) {
            slider.disabled = true;
            play.disabled = true;
            setText(at, '--:--:--');
            return controls;
        }

        const latlngs = points.map(p => [p.lat, p.lon]);
        const whole = L.polyline(latlngs, { renderer, color: '#3ee0ff', weight: 2, opacity: .45, dashArray: '4 4' }).addTo(map);
        const done = L.polyline([], { renderer, color: '#3ee0ff', weight: 3.5, opacity: .95 }).addTo(map);
        const head = L.marker(latlngs[0], { icon: L.divIcon({ className: 'track-head', html: '<i></i>', iconSize: [14, 14] }), interactive: false, keyboard: false, pane: 'track' }).addTo(map);
        layers = [whole, done, head];
        saved ??= { center: map.getCenter(), zoom: map.getZoom() };
        if (latlngs.length > 1) map.fitBounds(whole.getBounds(), { padding: [60, 60], maxZoom: 16 });
        else map.panTo(latlngs[0]);

        const seek = i => {
            const n = Math.min(Math.max(0, i), latlngs.length - 1);
            slider.value = String(n);
            head.setLatLng(latlngs[n]);
            done.setLatLngs(latlngs.slice(0, n + 1));
            setText(at, formatTime(points[n].time));
        };
        const stop = () => {
            clearInterval(timer);
            timer = null;
            setText(play, '▶ 播放');
        };
        slider.addEventListener('input', () => {
            stop();
            seek(Number(slider.value));
        });
        play.addEventListener('click', () => {
            if (timer) return stop();
            if (Number(slider.value) >= latlngs.length - 1) seek(0);
            const step = Math.max(1, Math.round(latlngs.length / ((PLAY_SECONDS * 1000) / FRAME_MS)));
            setText(play, '❚❚ 暂停');
            timer = setInterval(() => {
                const next = Number(slider.value) + step;
                seek(next);
                if (next >= latlngs.length - 1) stop();
            }, FRAME_MS);
        });
        if (latlngs.length < 2) {
            slider.disabled = true;
            play.disabled = true;
        }
        seek(latlngs.length - 1);
        return controls;
    }

    return { show, clear };
}
