// Page side of bring-your-own-model: files from a drop (folders included) or a file dialog →
// per-role byte lists for the worker (a URL is fetched by ./modelUrl.ts). `groupByRole` is pure;
// the rest reads the DOM.
import type { ModelFileData, ModelRole } from './files';
import { LIMITS, limitText } from '../limits';
import { groupDigits } from '../messageNumbers';
import { ModelFileError, nameList } from './modelFiles';

/**
 * Files a model drop may hold: a teacher and a student, each model.json with its shards and a few
 * files beside them (checkModelFileSizes allows 8). A dropped folder is walked no further: a drop
 * of a million files is refused by its count without being listed whole.
 */
export const MAX_DROPPED_MODEL_FILES = 2 * (LIMITS.modelShards.value + 9);

export interface PathFile {
  /** Relative path (folder/…/name) or just the name. */
  readonly path: string;
  readonly file: Blob;
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
const isModelJson = (p: string) => p.slice(p.lastIndexOf('/') + 1) === 'model.json';

export type Grouped<T> = Partial<Record<ModelRole, { files: T[]; label: string }>>;

/**
 * Which files are the teacher's and which the student's. Dropped on a card (`target`), the
 * whole drop is that role's model. Dropped elsewhere: one model is the teacher unless its folder
 * is named like *student*; two models (two folders) need one folder named *student*.
 */
export function groupByRole<T extends { readonly path: string }>(files: readonly T[], target: ModelRole | null): Grouped<T> {
  if (!files.length) throw new ModelFileError('(dropped files)', 'nothing was dropped: drop model.json with its .bin weight shards, or the model folder');
  const jsons = files.filter((f) => isModelJson(f.path));
  const labelFor = (dir: string, fallback: string) => dir.replace(/\/$/, '').split('/').pop() || fallback;
  if (jsons.length <= 1) {
    const dir = jsons.length ? dirOf(jsons[0].path) : dirOf(files[0].path);
    const role: ModelRole = target ?? (/student/i.test(dir) ? 'student' : 'teacher');
    // Loose files are named after their JSON (model.json, or selfie.json as real models come).
    const anyJson = files.find((f) => /\.json$/i.test(f.path));
    return { [role]: { files: [...files], label: labelFor(dir, jsons.length ? 'model.json' : (anyJson ?? files[0]).path.split('/').pop() ?? files[0].path) } };
  }
  if (target) throw new ModelFileError(nameList(jsons.map((j) => j.path)), `${jsons.length} models dropped on the ${target} card; drop one model there`);
  if (jsons.length > 2) throw new ModelFileError(nameList(jsons.map((j) => j.path)), `${jsons.length} models dropped; drop a teacher and a student at most`);
  const dirs = jsons.map((j) => dirOf(j.path));
  const studentIdx = dirs.map((d) => /student/i.test(d));
  if (studentIdx.filter(Boolean).length !== 1) {
    throw new ModelFileError(nameList(jsons.map((j) => j.path)), `two models dropped and not exactly one folder is named like "student"; drop each model on its card instead`);
  }
  const out: Grouped<T> = {};
  dirs.forEach((dir, i) => {
    const role: ModelRole = studentIdx[i] ? 'student' : 'teacher';
    // Deeper folders first would matter for nested models; sibling folders (the usual case) do not overlap.
    out[role] = { files: files.filter((f) => dirOf(f.path).startsWith(dir) && !dirs.some((d) => d !== dir && d.startsWith(dir) && dirOf(f.path).startsWith(d))), label: labelFor(dir, 'model') };
  });
  return out;
}

export async function toModelFiles(files: readonly PathFile[]): Promise<ModelFileData[]> {
  return Promise.all(files.map(async (f) => ({ name: f.path, data: await f.file.arrayBuffer() })));
}

/** The entries of a directory, at most `max` (readEntries gives them in batches). */
function readAllEntries(dir: FileSystemDirectoryEntry, max: number): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) return resolve(all);
        all.push(...batch);
        if (all.length >= max) return resolve(all);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PathFile[]): Promise<void> {
  if (out.length > MAX_DROPPED_MODEL_FILES) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry, MAX_DROPPED_MODEL_FILES + 1 - out.length)) await walk(child, out);
  }
}

/** Files of a drop, walking dropped folders; plain files when the browser gives no entries. */
export async function filesFromDrop(dt: DataTransfer): Promise<PathFile[]> {
  const entries = Array.from(dt.items ?? [])
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length && entries.every((e) => e !== null)) {
    const out: PathFile[] = [];
    for (const e of entries) await walk(e as FileSystemEntry, out);
    checkDroppedCount(out.length);
    return out;
  }
  return Array.from(dt.files).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

export function filesFromInput(list: FileList | null): PathFile[] {
  checkDroppedCount(list?.length ?? 0);
  return Array.from(list ?? []).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** A ModelFileError when a drop holds more files than two models can (MAX_DROPPED_MODEL_FILES). */
export function checkDroppedCount(count: number): void {
  if (count > MAX_DROPPED_MODEL_FILES) {
    throw new ModelFileError(
      '(dropped files)',
      `more than ${groupDigits(MAX_DROPPED_MODEL_FILES)} files: a teacher and a student hold at most ${groupDigits(MAX_DROPPED_MODEL_FILES / 2)} each (model.json, up to ${limitText('modelShards')} of shards and a few files beside them); drop the model folders only`,
    );
  }
}
