// 今日巡查: hours and distance (GET /api/workers/{id}/patrol) and today's track (…/track) drawn to fit, no map tiles needed.
import { api } from './api.js';
import { kv } from './store.js';

const NS = 'http://www.w3.org/2000/svg';

export async function showPatrol(workerId) {
    let data;
    try {
        const [patrol, track] = await Promise.all([
            api('GET', `/api/workers/${workerId}/patrol`),
            api('GET', `/api/workers/${workerId}/track`),
        ]);
        data = { patrol, points: track.points.map(p => [p.lat, p.lon]) };
        kv.set('patrol', data);
    } catch {
        data = await kv.get('patrol');
    }

    const p = data?.patrol;
    document.getElementById('patrol-hours').textContent = p ? p.hours.toFixed(1) : '–';
    document.getElementById('patrol-km').textContent = p ? p.kilometres.toFixed(2) : '–';
    document.getElementById('patrol-points').textContent = p ? String(p.positions) : '–';
    draw(document.getElementById('patrol-track'), data?.points || []);
}

function draw(svg, points) {
    svg.replaceChildren();
    const [w, h, pad] = [350, 300, 16];
    if (points.length === 0) {
        const text = document.createElementNS(NS, 'text');
        Object.entries({ x: w / 2, y: h / 2, 'text-anchor': 'middle', fill: '#66758a', 'font-size': 14 }).forEach(([k, v]) => text.setAttribute(k, v));
        text.textContent = '今天还没有轨迹';
        svg.append(text);
        return;
    }

    const lats = points.map(p => p[0]), lons = points.map(p => p[1]);
    const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
    const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180); // metres per degree of longitude shrink with latitude
    const spanX = Math.max((maxLon - minLon) * kx, 1e-5), spanY = Math.max(maxLat - minLat, 1e-5);
    const scale = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
    const xy = ([lat, lon]) => [pad + ((lon - minLon) * kx) * scale + ((w - 2 * pad) - spanX * scale) / 2, h - pad - (lat - minLat) * scale - ((h - 2 * pad) - spanY * scale) / 2];
    const line = document.createElementNS(NS, 'polyline');
    line.setAttribute('points', points.map(p => xy(p).map(v => v.toFixed(1)).join(',')).join(' '));
    Object.entries({ fill: 'none', stroke: '#1f6fd1', 'stroke-width': 3, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }).forEach(([k, v]) => line.setAttribute(k, v));
    svg.append(line);
    for (const [point, color] of [[points[0], '#12805c'], [points[points.length - 1], '#d92d20']]) {
        const [x, y] = xy(point);
        const dot = document.createElementNS(NS, 'circle');
        Object.entries({ cx: x, cy: y, r: 6, fill: color, stroke: '#fff', 'stroke-width': 2 }).forEach(([k, v]) => dot.setAttribute(k, v));
        svg.append(dot);
    }
}
