// The latest training checkpoint in IndexedDB (works in the worker and the page). A thin adapter:
// one database, one object store, one key; what goes in is checked by validateCheckpoint on the
// way out. Tested in the browser (e2e/robust.spec.ts); the data logic is in checkpoint.ts.
import { validateCheckpoint, type Checkpoint } from '../engine/checkpoint';
import { withIdbStore } from '../idbStore';

const DB_NAME = 'maskd-playground';
const STORE = 'checkpoints';
const KEY = 'latest';

/** Where checkpoints go; the session takes any implementation (Node tests use a Map). */
export interface CheckpointSink {
  save(c: Checkpoint): Promise<void>;
  load(): Promise<Checkpoint | null>;
  clear(): Promise<void>;
}

function withStore<T>(mode: IDBTransactionMode, body: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return withIdbStore(DB_NAME, STORE, mode, body);
}

/** Whether this context has IndexedDB at all (Node has none). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

export const indexedDbSink: CheckpointSink = {
  async save(c) {
    await withStore('readwrite', (s) => s.put(c, KEY));
  },
  async load() {
    const raw = await withStore('readonly', (s) => s.get(KEY) as IDBRequest<unknown>);
    return raw === undefined ? null : validateCheckpoint(raw);
  },
  async clear() {
    await withStore('readwrite', (s) => s.delete(KEY));
  },
};
