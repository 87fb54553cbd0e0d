// Model URLs and redirects: a response whose final URL (after the server's redirects) left the
// model's origin, or for a shard model.json's folder, is refused before its body is read, and
// shards resolve against the URL that actually served model.json. A fake fetch stands in for the
// network and sets each response's final URL as a browser's fetch would after following redirects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from './modelFiles';
import { fetchModelFiles } from './modelUrl';

const typed = 'https://models.example/zoo/teacher/model.json';
const manifest = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] });

/** A response as fetch returns it after following redirects to `finalUrl`. */
function served(body: string | Uint8Array, finalUrl: string): Response {
  const res = new Response(typeof body === 'string' ? body : body.slice());
  Object.defineProperty(res, 'url', { value: finalUrl });
  Object.defineProperty(res, 'redirected', { value: true });
  return res;
}

/** Routes: asked URL → [body, the URL that finally served it]. Records what was asked for and which bodies were read. */
function redirectingFetch(routes: Record<string, [string | Uint8Array, string]>) {
  const asked: string[] = [];
  const fetch = (async (url: string) => {
    asked.push(url);
    const r = routes[url];
    if (!r) return new Response('no', { status: 404, statusText: 'Not Found' });
    return served(r[0], r[1]);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, asked };
}

async function refusal(p: Promise<unknown>): Promise<ModelFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as Error).message.length).toBeLessThan(300);
    return e as ModelFileError;
  }
  throw new Error('accepted');
}

describe('model URLs: no redirect off the model’s origin and folder', () => {
  it('model.json redirected to another origin is refused; no shard is asked for', async () => {
    const { fetch, asked } = redirectingFetch({ [typed]: [manifest, 'https://evil.example/zoo/teacher/model.json'] });
    const err = await refusal(fetchModelFiles(typed, { fetch }));
    expect(err.message).toMatch(/was redirected to https:\/\/evil\.example\/zoo\/teacher\/model\.json, https:\/\/evil\.example, another origin/);
    expect(asked).toEqual([typed]);
  });

  it('model.json moved within its origin: the shards come from the folder that served it', async () => {
    const moved = 'https://models.example/v3/teacher/model.json';
    const { fetch, asked } = redirectingFetch({
      [typed]: [manifest, moved],
      'https://models.example/v3/teacher/w.bin': [new Uint8Array(8), 'https://models.example/v3/teacher/w.bin'],
    });
    const got = await fetchModelFiles(typed, { fetch });
    expect(asked).toEqual([typed, 'https://models.example/v3/teacher/w.bin']);
    expect(got.files.map((f) => [f.name, f.data.byteLength])).toEqual([['model.json', manifest.length], ['w.bin', 8]]);
  });

  it('a shard answered by a redirect to another origin, or out of the folder, is refused', async () => {
    for (const target of ['https://cdn.elsewhere.example/w.bin', 'https://models.example/zoo/student/w.bin', 'http://models.example/zoo/teacher/w.bin']) {
      const { fetch, asked } = redirectingFetch({ [typed]: [manifest, typed], 'https://models.example/zoo/teacher/w.bin': [new Uint8Array(8), target] });
      const err = await refusal(fetchModelFiles(typed, { fetch }));
      expect(err.message).toMatch(/^https:\/\/models\.example\/zoo\/teacher\/w\.bin: was redirected to .*(another origin|outside model\.json's folder https:\/\/models\.example\/zoo\/teacher\/)/);
      expect(asked).toHaveLength(2);
    }
  });

  it('any redirect target is accepted exactly when it stays on the origin and in the folder (generated targets)', async () => {
    const origins = fc.constantFrom('https://models.example', 'http://models.example', 'https://models.example:8443', 'https://evil.example', 'https://sub.models.example');
    const paths = fc.constantFrom('/zoo/teacher/w.bin', '/zoo/teacher/sub/w.bin', '/zoo/teacherX/w.bin', '/zoo/w.bin', '/w.bin', '/zoo/teacher/../student/w.bin');
    await fc.assert(
      fc.asyncProperty(origins, paths, async (o, path) => {
        const target = new URL(path, o);
        const { fetch } = redirectingFetch({ [typed]: [manifest, typed], 'https://models.example/zoo/teacher/w.bin': [new Uint8Array(8), target.href] });
        const ok = target.origin === 'https://models.example' && target.pathname.startsWith('/zoo/teacher/');
        if (ok) expect((await fetchModelFiles(typed, { fetch })).files).toHaveLength(2);
        else await refusal(fetchModelFiles(typed, { fetch }));
      }),
      { numRuns: 60 },
    );
  });
});
