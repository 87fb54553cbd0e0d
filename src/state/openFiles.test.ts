// Opening files is a transaction: a token file or run file that is refused — too large by its size,
// over a limit in its header, out of float32's range, or failing half-way in the engine — leaves
// the page as it was (task, Setup, history, tokens, masks) and says which file and which limit.
import { beforeEach, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../share/safetensors';
import { connectEngine, learnMasks } from './actions';
import { exportRun, openFile, pickedFile, setExportEnv, type PickedFile } from './exportActions';
import { startFromHash, type ShareEnv } from './shareActions';
import { useAppStore, type AppState } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
let engines: StubSession[];
let saved: { name: string; data: Uint8Array | string }[];
const env: ShareEnv = { pageUrl: () => 'http://127.0.0.1/', writeClipboard: async () => {}, clearHash: () => {} };
const engine = () => engines[engines.length - 1];

beforeEach(async () => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  saved = [];
  setExportEnv({ save: (name, data) => saved.push({ name, data }), png: async () => new Uint8Array(4), now: () => new Date('2026-12-01T00:00:00Z') });
  await startFromHash('', env);
  // Work in the page: learned tokens and their history.
  s().setSeed(99);
  s().setMask({ steps: 3, lr: 0.02 });
  await learnMasks();
  expect(Object.keys(s().losses).length).toBeGreaterThan(0);
});

/** What a refused file must leave alone. */
function work(st: AppState) {
  return {
    task: st.task,
    seed: st.seed,
    mask: st.mask,
    distill: st.distill,
    compareMethods: st.compareMethods,
    losses: st.losses,
    metrics: st.metrics,
    compareRows: st.compareRows,
    tokens: st.tokens,
    masksTrained: st.masksTrained,
    snapshots: st.snapshots,
    teacher: st.teacher,
  };
}

/** A file of `size` bytes that records whether anything read it (none of its bytes exist). */
function sizedOnly(name: string, size: number): PickedFile & { reads: number } {
  const f = {
    name,
    size,
    reads: 0,
    arrayBuffer: async () => {
      f.reads++;
      return new ArrayBuffer(0);
    },
    text: async () => {
      f.reads++;
      return '';
    },
  };
  return f;
}

/** A file of one header (any JSON text) and no data. */
function headerOnly(header: string): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** The page's own run file (Export run), to edit. */
async function runText(): Promise<string> {
  await exportRun();
  return saved.at(-1)!.data as string;
}

const lastError = () => s().messages.filter((m) => m.level === 'error').at(-1)?.text ?? '';

describe('token files', () => {
  it('a 65 MiB token file is refused from its size: never read, nothing changed', async () => {
    const before = work(s());
    const calls = engine().calls.length;
    const f = sizedOnly('huge.safetensors', 65 * 2 ** 20);
    await openFile(f);
    expect(f.reads).toBe(0);
    expect(lastError()).toBe(
      'Could not import huge.safetensors: 68.16 MB is over the 64 MiB limit on bytes of a .safetensors token file, checked from the file size before it is read; it was not read. The tokens in use are unchanged.',
    );
    expect(work(s())).toEqual(before);
    expect(engine().calls.slice(calls)).toEqual([]);
  });

  it('mask_token [100000, 64] is refused by T from its header; F64 values beyond float32 are refused; the engine is never asked', async () => {
    const before = work(s());
    const calls = engine().calls.length;
    await openFile(pickedFile('wide.safetensors', headerOnly('{"mask_token":{"dtype":"F32","shape":[100000,64],"data_offsets":[0,25600000]}}')));
    expect(lastError()).toMatch(/^Could not import wide\.safetensors: token import: "mask_token" is \[100000,64\]: T = 100 000 tokens, over the 64 tokens limit/);
    await openFile(pickedFile('f64.safetensors', writeSafetensors({ mask_token: { dtype: 'F64', shape: [1, 64], data: Float64Array.from({ length: 64 }, (_, i) => (i === 3 ? 1e300 : 0.1)) } })));
    expect(lastError()).toMatch(/^Could not import f64\.safetensors: token import: "mask_token" holds 1e\+300 \(value 3\), beyond float32's range/);
    expect(work(s())).toEqual(before);
    expect(engine().calls.slice(calls)).toEqual([]);
  });

  it('tokens refused by the engine (another width) change nothing either', async () => {
    const before = work(s());
    await openFile(pickedFile('narrow.safetensors', writeSafetensors({ mask_token: { dtype: 'F32', shape: [3, 32], data: new Float32Array(96) } })));
    expect(lastError()).toMatch(/^Could not import narrow\.safetensors: .*C = 32 wide/);
    expect(work(s())).toEqual(before);
  });
});

describe('run files', () => {
  it('a 65 MiB run file is refused from its size: never read, nothing changed', async () => {
    const before = work(s());
    const f = sizedOnly('huge-run.json', 65 * 2 ** 20);
    await openFile(f);
    expect(f.reads).toBe(0);
    expect(lastError()).toMatch(/^Could not open huge-run\.json: 68\.16 MB is over the 64 MiB limit on bytes of a run file, checked from the file size before it is read; it was not read\. Nothing was changed\.$/);
    expect(work(s())).toEqual(before);
  });

  it('a run of the other task whose tokens do not fit its teacher fails half-way in the engine and changes nothing', async () => {
    const text = await runText();
    const file = JSON.parse(text);
    file.config.task = 'detection';
    file.config.seed = 5;
    file.tokens = { tokens: { name: 'mask_token', shape: [2, 32], data: new Array(64).fill(0.25) } };
    file.history.losses = [];
    const before = work(s());
    await openFile(pickedFile('other-task.json', JSON.stringify(file)));
    expect(engine().calls).toContain('loadDemo:detection+tokens:2x32');
    expect(lastError()).toMatch(/^Could not open other-task\.json: these tokens are C = 32 wide .*Nothing was changed/);
    // Before: the task switched to detection, the seed and the history replaced, then the tokens failed.
    expect(work(s())).toEqual(before);
    expect(s().demoPhase).toBe('ready');
  });

  it('a run of the same task whose tokens are refused keeps the history and Setup in use', async () => {
    const text = await runText();
    const file = JSON.parse(text);
    file.config.seed = 12345;
    file.tokens = { tokens: { name: 'mask_token', shape: [2, 48], data: new Array(96).fill(0.5) } };
    file.history.losses = [];
    const before = work(s());
    await openFile(pickedFile('bad-tokens.json', JSON.stringify(file)));
    expect(lastError()).toMatch(/^Could not open bad-tokens\.json: these tokens are C = 48 wide/);
    expect(work(s())).toEqual(before);
  });

  it('a run of the other task that fits is applied whole: task, Setup, tokens, masks and history; clamped settings are noted', async () => {
    const text = await runText();
    const file = JSON.parse(text);
    file.config.task = 'detection';
    file.config.seed = 5;
    file.config.mask.batchSize = 4096;
    file.config.distill.steps = 10_000_000;
    file.tokens = { tokens: { name: 'mask_token', shape: [5, 64], data: Array.from({ length: 320 }, (_, i) => i / 1000) } };
    const epoch = s().snapshotEpoch;
    await openFile(pickedFile('other-task.json', JSON.stringify(file)));
    expect(s().task).toBe('detection');
    expect(s().seed).toBe(5);
    expect(s().mask.batchSize).toBe(128);
    expect(s().distill.steps).toBe(100_000);
    expect(s().tokens).toEqual({ numTokens: 5, channels: 64, tokenWeights: false });
    expect(s().snapshotEpoch).toBeGreaterThan(epoch);
    expect(s().snapshots.at(-1)?.numTokens).toBe(5);
    expect((await engine().exportTokens()).tokens.data).toEqual(file.tokens.tokens.data);
    const texts = s().messages.map((m) => m.text);
    expect(texts).toContain('Restored the run from other-task.json (saved 2026-12-01T00:00:00.000Z): the detection demo, settings, tokens, and history.');
    expect(s().messages.at(-1)).toMatchObject({
      level: 'info',
      text: 'other-task.json holds settings outside the Setup ranges; they were clamped. Learn masks: batch size 4 096 is outside 1–128; set to 128. Distill: steps 10 000 000 is outside 1–100 000; set to 100 000.',
    });
  });
});
