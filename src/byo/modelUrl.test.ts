// Model URLs: shard paths confined to model.json's folder on its origin, shard count and bytes
// capped by the manifest, a timeout and an abort signal; all with a fake fetch (nothing leaves Node).
import { describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../limits';
import { ModelFileError } from './modelFiles';
import { fetchModelFiles, planShardUrls } from './modelUrl';

const base = new URL('https://models.example/zoo/teacher/model.json');
const manifest = (paths: string[], bytes = 8) => ({ modelTopology: {}, weightsManifest: [{ paths, weights: [{ name: 'w', shape: [bytes / 4], dtype: 'float32' }] }] });

/** A fetch serving `routes` (URL → body); anything else is a 404. Records every URL asked for. */
function fakeFetch(routes: Record<string, Uint8Array | string | (() => Promise<Response>)>) {
  const asked: string[] = [];
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    asked.push(url);
    init?.signal?.throwIfAborted();
    const r = routes[url];
    if (r === undefined) return new Response('no', { status: 404, statusText: 'Not Found' });
    if (typeof r === 'function') return r();
    return new Response(typeof r === 'string' ? r : r.slice());
  });
  return { fetch: fn as unknown as typeof fetch, asked };
}

describe('shard paths stay in model.json\'s folder', () => {
  it.each([
    ['https://evil.example/w.bin', /lists the shard "https:\/\/evil\.example\/w\.bin", which is not a path relative to model\.json/],
    ['//evil.example/w.bin', /"\/\/evil\.example\/w\.bin", which is not a path relative/],
    ['/zoo/other/w.bin', /"\/zoo\/other\/w\.bin", which is not a path relative/],
    ['../student/w.bin', /"\.\.\/student\/w\.bin", which resolves to https:\/\/models\.example\/zoo\/student\/w\.bin, outside model\.json's folder https:\/\/models\.example\/zoo\/teacher\//],
    ['%2e%2e/x.bin', /outside model\.json's folder/],
    ['data:application/octet-stream;base64,AAAA', /not a path relative/],
    ['sub\\..\\..\\w.bin', /not a path relative/],
  ])('%s is refused before anything is fetched', async (path, message) => {
    expect(() => planShardUrls(base, manifest([path]))).toThrow(message);
    const { fetch, asked } = fakeFetch({ [base.href]: JSON.stringify(manifest([path])) });
    await expect(fetchModelFiles(base.href, { fetch })).rejects.toThrow(ModelFileError);
    expect(asked).toEqual([base.href]);
  });

  it('relative shards in the folder (and below it) are fetched', async () => {
    const plan = planShardUrls(base, manifest(['group1-shard1of1.bin', 'sub/b.bin', './c.bin']));
    expect(plan.shards.map((s) => s.url.href)).toEqual([
      'https://models.example/zoo/teacher/group1-shard1of1.bin',
      'https://models.example/zoo/teacher/sub/b.bin',
      'https://models.example/zoo/teacher/c.bin',
    ]);
    const { fetch } = fakeFetch({ [base.href]: JSON.stringify(manifest(['w.bin'])), 'https://models.example/zoo/teacher/w.bin': new Uint8Array(8) });
    const got = await fetchModelFiles(base.href, { fetch });
    expect(got.files.map((f) => [f.name, f.data.byteLength])).toEqual([['model.json', expect.any(Number)], ['w.bin', 8]]);
    expect(got.label).toBe('teacher');
  });
});

describe('counts, bytes and time are bounded', () => {
  it('more shards than the limit are refused from the manifest', () => {
    const paths = Array.from({ length: LIMITS.modelShards.value + 1 }, (_, i) => `s${i}.bin`);
    expect(() => planShardUrls(base, manifest(paths))).toThrow(/lists more than 256 weight shards \(the 256 shards limit/);
  });

  it('a manifest declaring more than the weight budget is refused before any shard is fetched', () => {
    const doc = { weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2 ** 30], dtype: 'float32' }] }] };
    expect(() => planShardUrls(base, doc)).toThrow(/declares 4\.29 GB of weights, over the 2 GiB limit/);
  });

  it('a server sending more bytes than the manifest declares is cut off; so is a model.json over its limit', async () => {
    const endless = () =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new Uint8Array(1024));
            },
          }),
        ),
      );
    const { fetch } = fakeFetch({ [base.href]: JSON.stringify(manifest(['w.bin'], 4096)), 'https://models.example/zoo/teacher/w.bin': endless });
    await expect(fetchModelFiles(base.href, { fetch })).rejects.toThrow(/w\.bin: sent more than 4\.1 kB, over the 4\.1 kB the manifest declares for all shards; the download was stopped/);
    const big = () => Promise.resolve(new Response('x', { headers: { 'content-length': String(LIMITS.modelJsonBytes.value + 1) } }));
    const f2 = fakeFetch({ [base.href]: big });
    await expect(fetchModelFiles(base.href, { fetch: f2.fetch })).rejects.toThrow(/model\.json: is 33\.55 MB \(Content-Length\), over the 32 MiB limit on bytes of a model\.json/);
  });

  it('a server that never answers times out; the abort signal stops a load', async () => {
    const hang = vi.fn((_url: string, init?: RequestInit) => new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))));
    await expect(fetchModelFiles(base.href, { fetch: hang as unknown as typeof fetch, timeoutMs: 30 })).rejects.toThrow(/could not be fetched: no answer within 30 ms/);
    const abort = new AbortController();
    const pending = fetchModelFiles(base.href, { fetch: hang as unknown as typeof fetch, signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toThrow(/could not be fetched: the load was aborted/);
  });
});
