// Names for what the API gives as ids (a unit "center-150123100", a worker "worker-42", a region code), and the
// places a case may be sent to. Everything is fetched once per page and kept: units and region names do not change
// while a wall runs (an import restarts the silo).

import { getJson } from './util.js';

const WORKER_PREFIX = 'worker-';

export function createUnits({ county }) {
    let units = null;            // Promise<Map id → unit>
    const places = new Map();    // region code → Promise<string>
    const workers = new Map();   // "worker-42" → name, from the worker lists fetched

    /** The units of the user's own region (the whole county for the duty officer). */
    function all() {
        if (!units) {
            units = getJson('/api/units').then(list => new Map(list.map(u => [u.id, u])));
            units.catch(() => { units = null; });   // asked again next time
        }
        return units;
    }

    /** A unit's or worker's Chinese name; never the raw id when a name can be known. */
    async function nameOf(id) {
        if (!id) return '';
        if (id.startsWith(WORKER_PREFIX)) return workers.get(id) ?? `网格员（编号 ${id.slice(WORKER_PREFIX.length)}）`;
        const known = (await all().catch(() => new Map())).get(id);
        if (known) return known.name;
        // Above the user's own region (a township user looking at a case the county holds): the county's center.
        if (county && id === `center-${county.code}`) return `${county.name}综治中心`;
        return id.startsWith('center-') ? '上级综治中心' : '其他单位';
    }

    /** Where a case is, in words: the address given, otherwise its township, village and grid by name. */
    function placeOf(c) {
        const code = c.location?.gridCode ?? c.location?.regionCode;
        if (!code) return Promise.resolve(c.intake?.address ?? '');
        if (!places.has(code)) {
            const asked = code.length === 15
                ? getJson(`/api/grids/${encodeURIComponent(code)}`).then(g => `${g.township?.name ?? ''}${g.village?.name ?? ''}${g.name ?? ''}`)
                : getJson(`/api/regions/${encodeURIComponent(code)}`).then(r => r.name ?? '');
            asked.catch(() => places.delete(code));
            places.set(code, asked);
        }
        return places.get(code).catch(() => '').then(name => {
            const address = c.intake?.address;
            if (address) return name && !address.includes(name) ? `${address}（${name}）` : address;
            return name;
        });
    }

    /**
     * Where a case may be sent: the units whose region contains it (its village, its township's center and
     * departments, the county's center and departments) and the grid workers of its village, its own grid's first.
     * A user below the county only reaches units inside their own scope (the server's rule). Without the one sent to now.
     */
    async function targetsFor(c, user, countyCenter) {
        const region = c.location?.regionCode ?? '';
        const current = c.assignment?.to?.id;
        const scope = user.scope ?? '';
        const list = [...(await all()).values()]
            .filter(u => region.startsWith(u.regionCode) && (countyCenter || u.regionCode.startsWith(scope)) && u.id !== current)
            .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.regionCode.length - a.regionCode.length);
        const groups = [
            { label: '综治中心', items: list.filter(u => u.kind === 'Center').map(u => ({ id: u.id, name: u.name })) },
            { label: '村(社区)', items: list.filter(u => u.kind === 'Village').map(u => ({ id: u.id, name: u.name })) },
            { label: '职能部门', items: list.filter(u => u.kind !== 'Center' && u.kind !== 'Village').map(u => ({ id: u.id, name: u.name })) },
        ];
        const village = c.location?.villageCode;
        if (village) {
            const page = await getJson(`/api/workers?region=${encodeURIComponent(village)}&pageSize=500`);
            const grid = c.location?.gridCode;
            const items = page.items
                .map(w => ({ id: `${WORKER_PREFIX}${w.id}`, name: `${w.name}（${w.gridCode === grid ? '本网格，' : ''}${w.statusName}）`, w }))
                .filter(t => t.id !== current)
                .sort((a, b) => (b.w.gridCode === grid) - (a.w.gridCode === grid) || (a.w.status === 'Offline') - (b.w.status === 'Offline'));
            for (const w of page.items) workers.set(`${WORKER_PREFIX}${w.id}`, w.name);
            groups.push({ label: '网格员', items: items.map(({ id, name }) => ({ id, name })) });
        }
        return groups.filter(g => g.items.length > 0);
    }

    /** Remembers a worker's name (from a worker card), so a case with them reads by name. */
    function knowWorker(id, name) {
        if (name) workers.set(`${WORKER_PREFIX}${id}`, name);
    }

    return { nameOf, placeOf, targetsFor, knowWorker };
}

const KIND_ORDER = ['Center', 'Village'];
