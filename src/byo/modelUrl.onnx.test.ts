// An .onnx by URL, under model.json's rules: the .onnx refused when its final URL (after redirects)
// left the origin, sized before its body is read; its external-data files named by plain relative
// paths, resolved against the URL that served the .onnx, each refused off the origin or folder
// (also after a redirect) and capped by the bytes its tensors declare. A fake fetch stands in for
// the network and sets each response's final URL as a browser's fetch would after redirects.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../limits';
import { loadOnnx } from '../onnx/index';
import { onnxFileSet } from '../onnx/fileSet';
import { fixture, tinyModel, type TinyNode } from '../onnx/testkit';
import { ModelFileError } from './modelFiles';
import { fetchModelFiles } from './modelUrl';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const typed = 'https://models.example/zoo/student/unet.onnx';
const conv: TinyNode = { op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], name: 'conv', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } };
const WEIGHTS = Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i));
const floats = new Uint8Array(Float32Array.from(WEIGHTS).buffer);
const withExternal = (location: string, offset = 0, dims = [4, 3, 3, 3]) =>
  tinyModel({ input: [1, 3, 8, 8], nodes: [conv], outputs: ['y'], inits: { w: { dims, external: { location, offset: String(offset), length: String(dims.reduce((a, b) => a * b, 4)) } } } });
const inline = tinyModel({ input: [1, 3, 8, 8], nodes: [conv], outputs: ['y'], inits: { w: { dims: [4, 3, 3, 3], values: WEIGHTS } } });
/** The external file: 16 bytes of padding, then the weights (the model reads them at offset 16). */
const data = new Uint8Array(16 + floats.length);
data.set(floats, 16);

/** A response as fetch returns it after following redirects to `finalUrl`; `read` counts body reads. */
function served(body: Uint8Array, finalUrl: string, read: string[], headers: Record<string, string> = {}): Response {
  const res = new Response(new Uint8Array(body), { headers });
  Object.defineProperty(res, 'url', { value: finalUrl });
  const arrayBuffer = res.arrayBuffer.bind(res);
  const getReader = res.body!.getReader.bind(res.body);
  Object.defineProperty(res, 'arrayBuffer', { value: () => (read.push(finalUrl), arrayBuffer()) });
  Object.defineProperty(res.body!, 'getReader', { value: () => (read.push(finalUrl), getReader()) });
  return res;
}

/** Routes: asked URL → [body, the URL that finally served it, headers]. Records what was asked for and whose body was read. */
function routedFetch(routes: Record<string, [Uint8Array, string, Record<string, string>?]>) {
  const asked: string[] = [];
  const read: string[] = [];
  const fetch = (async (url: string) => {
    asked.push(url);
    const r = routes[url];
    if (!r) return new Response('no', { status: 404, statusText: 'Not Found' });
    return served(r[0], r[1], read, r[2]);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, asked, read };
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

/** The converted model's output on a fixed input (the fetched files, as the engine's loader takes them). */
function output(files: { name: string; data: ArrayBuffer }[]): number[] {
  const set = onnxFileSet(files);
  const model = loadOnnx(set.bytes, set.file, set.external);
  const x = tf.tensor4d(Float32Array.from({ length: 3 * 64 }, (_, i) => Math.cos(i)), [1, 8, 8, 3]);
  const [y] = model.run(x);
  const out = Array.from(y.dataSync());
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('an .onnx by URL', () => {
  it('without external data: one fetch, the file named as in the URL, and it converts', async () => {
    const bytes = fixture('unet-op17.onnx');
    const { fetch, asked } = routedFetch({ [typed]: [bytes, typed] });
    const got = await fetchModelFiles(typed, { fetch });
    expect(asked).toEqual([typed]);
    expect(got.label).toBe('unet.onnx');
    expect(got.files.map((f) => [f.name, f.data.byteLength])).toEqual([['unet.onnx', bytes.length]]);
  });

  it('moved within its origin: the external data comes from the folder that served the .onnx, and the model gives the inline one\'s output', async () => {
    const moved = 'https://models.example/v3/student/unet.onnx';
    const { fetch, asked } = routedFetch({
      [typed]: [withExternal('unet.onnx.data', 16), moved],
      'https://models.example/v3/student/unet.onnx.data': [data, 'https://models.example/v3/student/unet.onnx.data'],
    });
    const got = await fetchModelFiles(typed, { fetch });
    expect(asked).toEqual([typed, 'https://models.example/v3/student/unet.onnx.data']);
    expect(got.files.map((f) => [f.name, f.data.byteLength])).toEqual([['unet.onnx', withExternal('unet.onnx.data', 16).length], ['unet.onnx.data', data.length]]);
    expect(output(got.files)).toEqual(output([{ name: 'inline.onnx', data: new Uint8Array(inline).buffer }]));
  });

  it('the .onnx redirected to another origin is refused before its body is read; no external data is asked for', async () => {
    const { fetch, asked, read } = routedFetch({ [typed]: [withExternal('unet.onnx.data'), 'https://evil.example/zoo/student/unet.onnx'] });
    const err = await refusal(fetchModelFiles(typed, { fetch }));
    expect(err.message).toMatch(/was redirected to https:\/\/evil\.example\/zoo\/student\/unet\.onnx, https:\/\/evil\.example, another origin/);
    expect(asked).toEqual([typed]);
    expect(read).toEqual([]);
  });

  it('external data answered by a redirect off the origin or out of the .onnx\'s folder is refused unread', async () => {
    for (const target of ['https://cdn.elsewhere.example/unet.onnx.data', 'https://models.example/zoo/teacher/unet.onnx.data', 'http://models.example/zoo/student/unet.onnx.data']) {
      const { fetch, asked, read } = routedFetch({ [typed]: [withExternal('unet.onnx.data'), typed], 'https://models.example/zoo/student/unet.onnx.data': [floats, target] });
      const err = await refusal(fetchModelFiles(typed, { fetch }));
      expect(err.message).toMatch(/^https:\/\/models\.example\/zoo\/student\/unet\.onnx\.data: was redirected to .*(another origin|outside the \.onnx's folder https:\/\/models\.example\/zoo\/student\/)/);
      expect(asked).toHaveLength(2);
      expect(read).toEqual([typed]);
    }
  });

  it('an external-data location that is not a path inside the .onnx\'s folder is refused before anything else is fetched', async () => {
    for (const location of ['../teacher/w.bin', '/etc/passwd', 'https://evil.example/w.bin', 'a\\b.bin', 'sub/../../w.bin', 'w.bin?x=1']) {
      const { fetch, asked } = routedFetch({ [typed]: [withExternal(location), typed] });
      const err = await refusal(fetchModelFiles(typed, { fetch }));
      expect(err.message).toMatch(/^https:\/\/models\.example\/zoo\/student\/unet\.onnx: keeps data in .*not a path inside the \.onnx's folder/);
      expect(asked).toEqual([typed]);
    }
  });

  it('sizes first: an .onnx over its limit by Content-Length is not read; external data is capped by the bytes its tensors declare', async () => {
    const big = routedFetch({ [typed]: [inline, typed, { 'content-length': String(LIMITS.modelOnnxFileBytes.value + 1) }] });
    expect((await refusal(fetchModelFiles(typed, { fetch: big.fetch }))).message).toMatch(/unet\.onnx: is 1\.07 GB \(Content-Length\), over the 1 GiB limit on bytes of an \.onnx file/);
    expect(big.read).toEqual([]);
    // The model declares 16 + 432 bytes of unet.onnx.data; a server that sends more is cut off.
    const more = new Uint8Array(data.length + 1);
    const over = routedFetch({ [typed]: [withExternal('unet.onnx.data', 16), typed], 'https://models.example/zoo/student/unet.onnx.data': [more, 'https://models.example/zoo/student/unet.onnx.data'] });
    expect((await refusal(fetchModelFiles(typed, { fetch: over.fetch }))).message).toMatch(/unet\.onnx\.data: sent more than 448 bytes, over the 448 bytes the model's tensors declare in it; the download was stopped/);
    const said = routedFetch({ [typed]: [withExternal('unet.onnx.data', 16), typed], 'https://models.example/zoo/student/unet.onnx.data': [data, 'https://models.example/zoo/student/unet.onnx.data', { 'content-length': String(1e9) }] });
    expect((await refusal(fetchModelFiles(typed, { fetch: said.fetch }))).message).toMatch(/unet\.onnx\.data: is 1\.00 GB \(Content-Length\), over the 448 bytes the model.s tensors declare in it; it was not downloaded/);
    expect(said.read).toEqual([typed]);
  });

  it('an .onnx whose tensors declare more than the parameter limit is refused from its wire format; nothing else is fetched', async () => {
    const huge = withExternal('unet.onnx.data', 0, [1 << 15, 1 << 15, 1, 1]);
    const { fetch, asked } = routedFetch({ [typed]: [huge, typed] });
    expect((await refusal(fetchModelFiles(typed, { fetch }))).message).toMatch(/unet\.onnx: a tensor declares 32768×32768×1×1 elements: over .* parameters; nothing else was fetched/);
    expect(asked).toEqual([typed]);
  });

  it('any redirect target of the external data is accepted exactly when it stays on the origin and in the folder (generated targets)', async () => {
    const origins = fc.constantFrom('https://models.example', 'http://models.example', 'https://models.example:8443', 'https://evil.example');
    const paths = fc.constantFrom('/zoo/student/d.bin', '/zoo/student/sub/d.bin', '/zoo/studentX/d.bin', '/zoo/d.bin', '/d.bin');
    await fc.assert(
      fc.asyncProperty(origins, paths, async (o, path) => {
        const target = new URL(path, o);
        const { fetch } = routedFetch({ [typed]: [withExternal('d.bin', 16), typed], 'https://models.example/zoo/student/d.bin': [data, target.href] });
        const ok = target.origin === 'https://models.example' && target.pathname.startsWith('/zoo/student/');
        if (ok) expect((await fetchModelFiles(typed, { fetch })).files.map((f) => f.name)).toEqual(['unet.onnx', 'd.bin']);
        else await refusal(fetchModelFiles(typed, { fetch }));
      }),
      { numRuns: 40 },
    );
  });
});
