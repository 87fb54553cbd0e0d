// A model fetched from a URL: model.json, then the shards its manifest lists, each fetch bounded;
// or an .onnx, then the external-data files its initialisers name, under the same rules (beside
// it on its origin, sized from the .onnx's wire format before they are asked for).
// Shard paths must be relative and resolve inside the model.json's folder on its origin (no
// absolute URLs, no "..", no other hosts); their count is capped, and the bytes read are capped by
// what the manifest declares (a server that sends more is cut off); the whole load has a timeout
// and takes an AbortSignal for the page's abort button. Limits in src/limits.ts.
//
// Redirects: a response is refused (before its body is read) when the URL that finally served it
// left the model's origin, or, for a shard, model.json's folder; shards resolve against the URL
// that actually served model.json (a same-origin redirect of model.json moves its folder); an
// .onnx's external data likewise against the URL that served the .onnx.
import { LIMITS, limitText } from '../limits';
import { formatByteCount, groupDigits } from '../messageNumbers';
import { clip, quote } from '../messageQuote';
import { OnnxError } from '../onnx/errors';
import { isLocalDataPath, isOnnxName } from '../onnx/fileSet';
import { externalDataRefs, scanModel, type ExternalDataRef } from '../onnx/wireScan';
import { ModelFileError, storedBytes, type ModelFile } from './modelFiles';
import { isRecord } from '../isRecord';

export interface ShardPlan {
  /** Each shard as listed and where it will be fetched from. */
  readonly shards: readonly { readonly path: string; readonly url: URL }[];
  /** Bytes the manifest declares for all shards (what may be read). */
  readonly declaredBytes: number;
}

/**
 * The shard URLs of a fetched model.json, or a ModelFileError naming the model.json: every path
 * relative, resolving inside the model.json's folder on the same origin; at most the shard limit;
 * declared bytes within the weight budget. Pure: nothing is fetched.
 */
export function planShardUrls(modelUrl: URL, doc: unknown): ShardPlan {
  const file = modelUrl.href;
  const groups = isRecord(doc) && Array.isArray(doc.weightsManifest) ? doc.weightsManifest : null;
  if (!groups) return { shards: [], declaredBytes: 0 }; // not a model: parseModelFiles names the problem
  const folder = modelUrl.pathname.slice(0, modelUrl.pathname.lastIndexOf('/') + 1);
  const paths: string[] = [];
  let declared = 0;
  for (const g of groups) {
    if (!isRecord(g)) continue;
    if (Array.isArray(g.paths)) for (const p of g.paths) if (typeof p === 'string') paths.push(p);
    if (Array.isArray(g.weights)) {
      for (const w of g.weights) {
        if (isRecord(w) && Array.isArray(w.shape) && typeof w.dtype === 'string') {
          const b = storedBytes(w as never);
          declared += Number.isFinite(b) && b > 0 ? b : 0;
        }
      }
    }
    if (paths.length > LIMITS.modelShards.value) {
      throw new ModelFileError(file, `lists more than ${groupDigits(LIMITS.modelShards.value)} weight shards (${limitText('modelShards')} on ${LIMITS.modelShards.what}); nothing was fetched`);
    }
  }
  if (declared > LIMITS.modelWeightBytes.value) {
    throw new ModelFileError(file, `declares ${formatByteCount(declared)} of weights, over ${limitText('modelWeightBytes')} on ${LIMITS.modelWeightBytes.what}; nothing was fetched`);
  }
  const seen = new Set<string>();
  const shards: { path: string; url: URL }[] = [];
  for (const p of paths) {
    if (seen.has(p)) continue;
    seen.add(p);
    const shown = quote(p);
    if (/^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('/') || p.startsWith('\\') || p.includes('\\')) {
      throw new ModelFileError(file, `lists the shard ${shown}, which is not a path relative to model.json: shards are fetched only from model.json's own folder; nothing was fetched`);
    }
    let url: URL;
    try {
      url = new URL(p, modelUrl);
    } catch {
      throw new ModelFileError(file, `lists the shard ${shown}, which is not a valid relative path; nothing was fetched`);
    }
    if (url.origin !== modelUrl.origin || !url.pathname.startsWith(folder)) {
      throw new ModelFileError(file, `lists the shard ${shown}, which resolves to ${clip(url.href)}, outside model.json's folder ${modelUrl.origin}${folder}; nothing was fetched`);
    }
    shards.push({ path: p, url });
  }
  return { shards, declaredBytes: declared };
}

/**
 * The external-data files a fetched .onnx names, as URLs beside it, or a ModelFileError naming the
 * .onnx: the file sized from its wire format first (nodes, declared tensor bytes); each location a
 * relative path inside the .onnx's folder on its origin (no scheme, no leading '/', no '\\' or '..'), the files
 * counted as shards are and their declared bytes within the weight budget. Pure: nothing is fetched.
 */
export function planExternalUrls(onnxUrl: URL, bytes: Uint8Array): { location: string; url: URL; bytes: number }[] {
  const file = onnxUrl.href;
  let refs: ExternalDataRef[];
  try {
    scanModel(bytes);
    refs = externalDataRefs(bytes);
  } catch (err) {
    if (err instanceof OnnxError) throw new ModelFileError(file, `${err.message}; nothing else was fetched`);
    throw err;
  }
  if (refs.length > LIMITS.modelShards.value) {
    throw new ModelFileError(file, `names more than ${groupDigits(LIMITS.modelShards.value)} external-data files (${limitText('modelShards')} on ${LIMITS.modelShards.what}); nothing else was fetched`);
  }
  const declared = refs.reduce((a, r) => a + r.bytes, 0);
  if (declared > LIMITS.modelWeightBytes.value) {
    throw new ModelFileError(file, `declares ${formatByteCount(declared)} of external data, over ${limitText('modelWeightBytes')} on ${LIMITS.modelWeightBytes.what}; nothing else was fetched`);
  }
  const folder = onnxUrl.pathname.slice(0, onnxUrl.pathname.lastIndexOf('/') + 1);
  return refs.map((r) => {
    const shown = quote(r.location);
    // As for dropped files, and no scheme, query or fragment: a URL path inside the folder.
    if (!isLocalDataPath(r.location) || /^[a-z][a-z0-9+.-]*:/i.test(r.location) || r.location.includes('?') || r.location.includes('#')) {
      throw new ModelFileError(file, `keeps data in ${shown}, which is not a path inside the .onnx's folder: external data is fetched only from the model's own folder; nothing else was fetched`);
    }
    const url = new URL(r.location.split('/').map(encodeURIComponent).join('/'), onnxUrl);
    if (url.origin !== onnxUrl.origin || !url.pathname.startsWith(folder)) {
      throw new ModelFileError(file, `keeps data in ${shown}, which resolves to ${clip(url.href)}, outside the .onnx's folder ${onnxUrl.origin}${folder}; nothing else was fetched`);
    }
    return { location: r.location, url, bytes: r.bytes };
  });
}

/** The body of `res`, cut off (and refused) as soon as it exceeds `cap` bytes. */
async function readCapped(res: Response, cap: number, what: string, limit: string): Promise<ArrayBuffer> {
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > cap) throw new ModelFileError(what, `is ${formatByteCount(length)} (Content-Length), over ${limit}; it was not downloaded`);
  if (!res.body) {
    const buf = await res.arrayBuffer();
    if (buf.byteLength > cap) throw new ModelFileError(what, `is ${formatByteCount(buf.byteLength)}, over ${limit}`);
    return buf;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw new ModelFileError(what, `sent more than ${formatByteCount(cap)}, over ${limit}; the download was stopped`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out.buffer;
}

export interface FetchModelOptions {
  /** The page's abort button. */
  readonly signal?: AbortSignal;
  /** Default LIMITS.modelFetchSeconds. */
  readonly timeoutMs?: number;
  /** Default globalThis.fetch (tests pass their own). */
  readonly fetch?: typeof fetch;
  /** Base for a relative URL (default: the page's location when there is one). */
  readonly base?: string;
}

/** model.json at `url` and the shards its manifest names, every fetch bounded as described above. */
export async function fetchModelFiles(url: string, options: FetchModelOptions = {}): Promise<{ files: ModelFile[]; label: string }> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let base: URL;
  try {
    base = new URL(url, options.base ?? (typeof location !== 'undefined' ? location.href : undefined));
  } catch {
    throw new ModelFileError(url.slice(0, 200), 'is not a valid URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new ModelFileError(base.href.slice(0, 200), 'is not an http(s) URL');
  const timeoutMs = options.timeoutMs ?? LIMITS.modelFetchSeconds.value * 1000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  const origin = base.origin;
  const folderName = isOnnxName(base.pathname) ? "the .onnx's folder" : "model.json's folder";
  /** model.json's (or the .onnx's) folder once it has been served (null while that file itself is fetched). */
  let folder: string | null = null;
  const get = async (u: URL, cap: number, limit: string): Promise<{ data: ArrayBuffer; served: URL }> => {
    let res: Response;
    try {
      res = await doFetch(u.href, { signal, redirect: 'follow', credentials: 'omit' });
    } catch (err) {
      if (signal.aborted) {
        const why = options.signal?.aborted
          ? 'the load was aborted'
          : options.timeoutMs !== undefined
            ? `no answer within ${options.timeoutMs} ms`
            : `no answer within ${limitText('modelFetchSeconds')} on ${LIMITS.modelFetchSeconds.what}`;
        throw new ModelFileError(u.href, `could not be fetched: ${why}`);
      }
      throw new ModelFileError(u.href, `could not be fetched (${err instanceof Error ? err.message : String(err)}; the server must allow cross-origin requests)`);
    }
    // Where the response came from after redirects (a test's fetch may leave it empty: not redirected).
    let served = u;
    try {
      if (res.url) served = new URL(res.url);
    } catch {
      // an unparsable final URL cannot pass the check below
    }
    const outside = served.origin !== origin ? `${served.origin}, another origin` : folder !== null && !served.pathname.startsWith(folder) ? `outside ${folderName} ${origin}${folder}` : null;
    if (outside !== null) {
      await res.body?.cancel().catch(() => undefined);
      throw new ModelFileError(u.href, `was redirected to ${clip(served.href)}, ${outside}: a model is only fetched from its own origin and folder; nothing from there was read`);
    }
    if (!res.ok) throw new ModelFileError(u.href, `the server answered ${res.status} ${clip(res.statusText, 40)}`);
    try {
      return { data: await readCapped(res, cap, u.href, limit), served };
    } catch (err) {
      if (err instanceof ModelFileError) throw err;
      throw new ModelFileError(u.href, signal.aborted ? 'the download was aborted or timed out' : `the download failed (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  if (isOnnxName(base.pathname)) {
    const { data, served } = await get(base, LIMITS.modelOnnxFileBytes.value, `${limitText('modelOnnxFileBytes')} on ${LIMITS.modelOnnxFileBytes.what}`);
    folder = served.pathname.slice(0, served.pathname.lastIndexOf('/') + 1);
    const name = decodeURIComponent(base.pathname.split('/').pop() ?? '') || 'model.onnx';
    const files: ModelFile[] = [{ name, data }];
    // External data resolves against the URL that served the .onnx, each file capped by the bytes its tensors declare.
    const plan = planExternalUrls(served, new Uint8Array(data));
    for (const x of plan) {
      const { data: ext } = await get(x.url, x.bytes, `the ${formatByteCount(x.bytes)} the model's tensors declare in it`);
      files.push({ name: x.location, data: ext });
    }
    return { files, label: name };
  }
  const { data: json, served } = await get(base, LIMITS.modelJsonBytes.value, `${limitText('modelJsonBytes')} on ${LIMITS.modelJsonBytes.what}`);
  folder = served.pathname.slice(0, served.pathname.lastIndexOf('/') + 1);
  const name = base.pathname.split('/').pop() || 'model.json';
  const files: ModelFile[] = [{ name: name.endsWith('.json') ? name : 'model.json', data: json }];
  let doc: unknown = null;
  try {
    doc = JSON.parse(new TextDecoder().decode(json));
  } catch {
    // Not JSON: parseModelFiles names the problem with the file.
  }
  // Shards resolve against where model.json actually came from.
  const plan = planShardUrls(served, doc);
  let left = plan.declaredBytes;
  for (const s of plan.shards) {
    const { data } = await get(s.url, left, `the ${formatByteCount(plan.declaredBytes)} the manifest declares for all shards`);
    left -= data.byteLength;
    files.push({ name: s.path, data });
  }
  const label = base.pathname.split('/').slice(-2, -1)[0] || base.host;
  return { files, label };
}
