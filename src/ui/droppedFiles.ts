// Files out of a drop or a folder dialog, with their paths relative to what was dropped.
import type { PickedFile } from '../state/datasetActions';

type Entry = FileSystemEntry;

function isFile(e: Entry): e is FileSystemFileEntry {
  return e.isFile;
}

function isDirectory(e: Entry): e is FileSystemDirectoryEntry {
  return e.isDirectory;
}

const fileOf = (e: FileSystemFileEntry) => new Promise<File>((resolve, reject) => e.file(resolve, reject));

/** All entries of a directory: readEntries returns them in batches until an empty one. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walk(entry: Entry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (isFile(entry)) out.push({ path, file: await fileOf(entry) });
  else if (isDirectory(entry)) for (const child of await readAll(entry)) await walk(child, path, out);
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
