// What the screen holds for its scope: workers, open cases, active warnings and counters, each with its version.
// Rule (docs/big-screen.md): per key keep the highest `v` seen and ignore anything not newer; a snapshot replaces all.

/** Worker tuple fields: [id, lat, lon, status, v, t] (t: the fix's time). */
export const W_ID = 0, W_LAT = 1, W_LON = 2, W_STATUS = 3, W_V = 4, W_T = 5;

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
        // Versions outlive removals, so a late older "open" never brings back a closed case.
        this.caseV = new Map();
        this.warningV = new Map();
        this.counterV = new Map();
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
        if ((this.caseV.get(c.code) ?? -Infinity) >= c.v || !this.inScope(c.regionCode)) return;
        this.caseV.set(c.code, c.v);
        if (c.open === false) {
            if (this.cases.delete(c.code)) changes.casesRemoved.push(c.code);
        } else {
            this.cases.set(c.code, c);
            changes.cases.push(c);
        }
    }

    #warning(w, changes) {
        if ((this.warningV.get(w.id) ?? -Infinity) >= w.v || !this.inScope(w.regionCode)) return;
        this.warningV.set(w.id, w.v);
        if (w.active === false) {
            if (this.warnings.delete(w.id)) changes.warningsRemoved.push(w.id);
        } else {
            changes.warningsAdded += this.warnings.has(w.id) ? 0 : 1;
            this.warnings.set(w.id, w);
            changes.warnings.push(w);
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

function emptyChanges() {
    return { workers: [], newWorkers: 0, cases: [], casesRemoved: [], warnings: [], warningsRemoved: [], warningsAdded: 0, counters: [] };
}
