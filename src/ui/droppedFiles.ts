// Files out of a drop or a folder dialog, with their paths relative to what was dropped.
import type { PickedFile } from '../state/datasetActions';
import { LIMITS } from '../limits';

/**
 * A walk stops one file past the dataset's file limit: the drop is then refused by its count
 * (checkDatasetFiles), and a folder of a million files is never listed whole.
 */
const MAX_WALKED = LIMITS.datasetFiles.value + 1;

type Entry = FileSystemEntry;

function isFile(e: Entry): e is FileSystemFileEntry {
  return e.isFile;
}

function isDirectory(e: Entry): e is FileSystemDirectoryEntry {
  return e.isDirectory;
}

const fileOf = (e: FileSystemFileEntry) => new Promise<File>((resolve, reject) => e.file(resolve, reject));

/** The entries of a directory, at most `max`: readEntries returns them in batches until an empty one. */
async function readAll(dir: FileSystemDirectoryEntry, max: number): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  while (out.length < max) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
  return out;
}

async function walk(entry: Entry, prefix: string, out: PickedFile[]): Promise<void> {
  if (out.length >= MAX_WALKED) return;
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (isFile(entry)) out.push({ path, file: await fileOf(entry) });
  else if (isDirectory(entry)) for (const child of await readAll(entry, MAX_WALKED - out.length)) await walk(child, path, out);
}

/** A File's path: its folder-relative path from a directory dialog (or set by a test), else its name. */
export function pathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

export function pickedFromList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ path: pathOf(file), file }));
}

/** Dropped folders are walked (File System entries); plain dropped files keep their own paths. */
export async function pickedFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  // Entries must be taken synchronously, before the first await (the drag data store closes).
  const entries = Array.from(dt.items ?? [])
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  const files = Array.from(dt.files);
  if (entries.length > 0 && entries.every((e) => e !== null) && entries.some((e) => e!.isDirectory)) {
    const out: PickedFile[] = [];
    for (const e of entries) await walk(e!, '', out);
    return out;
  }
  return pickedFromList(files);
}
