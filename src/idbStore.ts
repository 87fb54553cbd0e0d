// One IndexedDB object store in a database of its own, opened per use: the checkpoint store
// (src/train/checkpointStore.ts, worker and page), the kept last results (src/state/lastResults.ts)
// and the remembered backend calibrations (src/backends/calibration/store.ts).
function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** Runs `body` on store `store` of database `dbName` (created on first use) and waits for its transaction to complete. */
export async function withIdbStore<T>(dbName: string, store: string, mode: IDBTransactionMode, body: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const open = indexedDB.open(dbName, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(store);
  const db = await request(open);
  try {
    const tx = db.transaction(store, mode);
    const result = await request(body(tx.objectStore(store)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  } finally {
    db.close();
  }
}
