// What the screen holds for its scope: workers, open cases, active warnings and counters, each with its version.
// Rule (docs/big-screen.md): per key keep the highest `v` seen and ignore anything not newer; a snapshot replaces all.

/** Worker tuple fields: [id, lat, lon, status, v, t] (t: the fix's time). */
export const W_ID = 0, W_LAT = 1, W_LON = 2, W_STATUS = 3, W_V = 4, W_T = 5;

// A removed case or warning leaves a tombstone (its version), so a late older "open" does not bring it back. Batches
// to one connection arrive in order and a snapshot replaces everything, so a tombstone only has to outlast what was
// already under way: a few minutes, and never more than TOMBSTONE_MAX of them (a screen runs for weeks).
const TOMBSTONE_MS = 5 * 60_000;
const TOMBSTONE_MAX = 5000;
const PRUNE_EVERY_MS = 30_000;

export class ScreenState {
    constructor() {
        this.clear(null);
    }

    /** Forgets everything; `scope` is { code, name, level, levelName, synthetic }. */
    clear(scope) {
        this.scope = scope;
        this.path = [];
        this.children = [];
        this.workers = new Map();   // id → [id, lat, lon, status, v]
        this.cases = new Map();     // code → CaseCard
        this.warnings = new Map();  // id → WarningCard
        this.counters = new Map();  // code → Counters
        // The version of what is held is the item's own `v`; of what was removed, its tombstone's.
        this.casesGone = new Map();     // code → { v, at }, oldest first
        this.warningsGone = new Map();  // id → { v, at }, oldest first
        this.counterV = new Map();      // the scope's and its children's codes only
        this.prunedAt = performance.now();
    }

    /** Replaces everything with a snapshot (hub) or a region view from HTTP (counters only). */
    replace(snapshot) {
        this.clear(snapshot.scope);
        this.path = snapshot.path ?? [];
        this.children = snapshot.children ?? [];
        this.childCodes = new Set(this.children.map(c => c.code));
        const changes = emptyChanges();
        for (const w of snapshot.workers ?? []) this.#worker(w, changes);
        for (const c of snapshot.cases ?? []) this.#case(c, changes);
        for (const w of snapshot.warnings ?? []) this.#warning(w, changes);
        for (const c of snapshot.counters ?? []) this.#counter(c, changes);
        return changes;
    }

    /** Applies a batch of changes; answers what actually changed (newer versions inside the scope). */
    applyBatch(batch) {
        const changes = emptyChanges();
        // A late batch of the scope watched before (the hub names the scope of each batch).
        if (batch.scope != null && batch.scope !== this.scope?.code) return changes;
        this.#prune();
        for (const w of batch.workers ?? []) this.#worker(w, changes);
        for (const c of batch.cases ?? []) this.#case(c, changes);
        for (const w of batch.warnings ?? []) this.#warning(w, changes);
        for (const c of batch.counters ?? []) this.#counter(c, changes);
        return changes;
    }

    inScope(regionCode) {
        return !this.scope || (typeof regionCode === 'string' && regionCode.startsWith(this.scope.code));
    }

    #worker(w, changes) {
        const id = w[W_ID];
        const held = this.workers.get(id);
        if (held && w[W_V] <= held[W_V]) return;
        this.workers.set(id, w);
        changes.workers.push(w);
        if (!held) changes.newWorkers++;
    }

    #case(c, changes) {
        const held = this.cases.get(c.code);
        if ((held?.v ?? this.casesGone.get(c.code)?.v ?? -Infinity) >= c.v || !this.inScope(c.regionCode)) return;
        changes.caseCodes.push(c.code);
        if (c.open === false) {
            if (held) {
                this.cases.delete(c.code);
                changes.casesRemoved.push(c.code);
            }
            bury(this.casesGone, c.code, c.v);
        } else {
            this.casesGone.delete(c.code);
            this.cases.set(c.code, c);
            changes.cases.push(c);
        }
    }

    #warning(w, changes) {
        const held = this.warnings.get(w.id);
        if ((held?.v ?? this.warningsGone.get(w.id)?.v ?? -Infinity) >= w.v || !this.inScope(w.regionCode)) return;
        if (w.active === false) {
            if (held) {
                this.warnings.delete(w.id);
                changes.warningsRemoved.push(w.id);
            }
            bury(this.warningsGone, w.id, w.v);
        } else {
            this.warningsGone.delete(w.id);
            changes.warningsAdded += held ? 0 : 1;
            this.warnings.set(w.id, w);
            changes.warnings.push(w);
        }
    }

    /** Drops tombstones older than TOMBSTONE_MS (they are in the order they were laid). */
    #prune() {
        const t = performance.now();
        if (t - this.prunedAt < PRUNE_EVERY_MS) return;
        this.prunedAt = t;
        for (const gone of [this.casesGone, this.warningsGone]) {
            for (const [key, { at }] of gone) {
                if (t - at < TOMBSTONE_MS) break;
                gone.delete(key);
            }
        }
    }

    #counter(c, changes) {
        const ours = this.scope && (c.code === this.scope.code || this.childCodes?.has(c.code));
        if (!ours || (this.counterV.get(c.code) ?? -Infinity) >= c.v) return;
        this.counterV.set(c.code, c.v);
        this.counters.set(c.code, c);
        changes.counters.push(c);
    }

    /** The scope's own counters (zeros before any arrive). */
    totals() {
        return this.counters.get(this.scope?.code) ?? {};
    }
}

/** Lays a tombstone last in line (the oldest first), dropping the oldest beyond TOMBSTONE_MAX. */
function bury(gone, key, v) {
    gone.delete(key);
    gone.set(key, { v, at: performance.now() });
    if (gone.size > TOMBSTONE_MAX) gone.delete(gone.keys().next().value);
}

function emptyChanges() {
    return { workers: [], newWorkers: 0, cases: [], casesRemoved: [], caseCodes: [], warnings: [], warningsRemoved: [], warningsAdded: 0, counters: [] };
}
