// Token and run files parsed off the page's thread: the worker's own module (fileParseWorker.ts,
// run here against a stand-in `self`) behind the page's workerFileParser, one throwaway worker per
// file. Checked: results equal the in-thread parse, refusals keep their class and stay short, an
// over-size file is refused from File.size with no worker started, and a worker that dies (out of
// memory, a crash) is a typed refusal and is ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../share/safetensors';
import { RunFileError, buildRunFile } from '../share/runFile';
import { TokenImportError } from '../share/tokenImport';
import { sampleHistory } from '../share/history.testkit';
import { inlineFileParser, type PickedFile } from './fileParser';
import type { ParseReply, ParseRequest } from './fileParseMessages';
import { defaultDistillSettings, defaultMaskSettings } from './setupSlice';
import { workerFileParser, type ParseWorker } from './workerFileParser';

type Handler = (e: { data: ParseRequest }) => Promise<void>;
let workerOnMessage: Handler;
let replyTo: ((r: ParseReply) => void) | null = null;

beforeAll(async () => {
  // The worker module as a worker runs it: `self.onmessage` in, `self.postMessage` out.
  const g = globalThis as unknown as { self?: unknown };
  g.self = { postMessage: (r: ParseReply) => replyTo?.(r) };
  await import('./fileParseWorker');
  workerOnMessage = (g.self as { onmessage: Handler }).onmessage;
});

afterAll(() => {
  delete (globalThis as unknown as { self?: unknown }).self;
});

/** Stand-in workers running fileParseWorker.ts; `die` makes the next one fail as a crashed worker does. */
function fakeWorkers() {
  const stats = { started: 0, terminated: 0 };
  let die: string | null = null;
  const spawn = (): ParseWorker => {
    stats.started++;
    const w: ParseWorker = {
      onmessage: null,
      onerror: null,
      onmessageerror: null,
      postMessage(message) {
        const dying = die;
        setTimeout(() => {
          if (dying !== null) {
            w.onerror?.({ message: dying, preventDefault: () => undefined } as ErrorEvent);
            return;
          }
          replyTo = (r) => w.onmessage?.({ data: structuredClone(r) } as MessageEvent<ParseReply>);
          void workerOnMessage({ data: message });
        }, 0);
      },
      terminate: () => void stats.terminated++,
    };
    return w;
  };
  return { spawn, stats, dieWith: (why: string | null) => void (die = why) };
}

const file = (name: string, data: Uint8Array | string): PickedFile => new File([typeof data === 'string' ? data : (data.slice().buffer as ArrayBuffer)], name);

const run = () =>
  buildRunFile(
    {
      config: { task: 'segmentation', seed: 3, mask: { ...defaultMaskSettings('segmentation'), numTokens: 2 }, distill: defaultDistillSettings('segmentation'), compareMethods: ['maskd'] },
      tokens: { tokens: { name: 'mask_token', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] } },
      ...sampleHistory(),
    },
    'x',
  );

describe('token and run files are parsed in a throwaway worker', () => {
  it('gives what the in-thread parse gives, one worker per file, each ended', async () => {
    const { spawn, stats } = fakeWorkers();
    const parser = workerFileParser(spawn);
    const tokens = writeSafetensors({ mask_token: { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } });
    const got = await parser.tokens(file('t.safetensors', tokens), { channels: 3 });
    expect(got).toEqual(await inlineFileParser.tokens(file('t.safetensors', tokens), { channels: 3 }));
    const parsed = await parser.run(file('run.json', run()));
    expect(parsed).toEqual(await inlineFileParser.run(file('run.json', run())));
    expect(stats).toEqual({ started: 2, terminated: 2 });
  });

  it('refusals keep their class and stay short', async () => {
    const { spawn } = fakeWorkers();
    const parser = workerFileParser(spawn);
    const long = 'x'.repeat(1_000_000);
    const bad = writeSafetensors({ [long]: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    const err = await parser.tokens(file('bad.safetensors', bad), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenImportError);
    expect((err as Error).message.length).toBeLessThan(300);
    const text = run().replace(/("points":\[\[1,)[^\]]*\]/, '$11e999]');
    const runErr = await parser.run(file('inf.json', text)).catch((e: unknown) => e);
    expect(runErr).toBeInstanceOf(RunFileError);
    expect((runErr as Error).message).toMatch(/finite number value/);
  });

  it('a file over its size limit is refused from File.size: no worker starts', async () => {
    const { spawn, stats } = fakeWorkers();
    const parser = workerFileParser(spawn);
    const huge = { name: 'huge.json', size: 65 * 2 ** 20, arrayBuffer: () => Promise.reject(new Error('read')), text: () => Promise.reject(new Error('read')) };
    await expect(parser.run(huge)).rejects.toBeInstanceOf(RunFileError);
    await expect(parser.tokens({ ...huge, name: 'huge.safetensors' }, {})).rejects.toBeInstanceOf(TokenImportError);
    expect(stats.started).toBe(0);
  });

  it('a worker that dies is a typed refusal, and is ended', async () => {
    const { spawn, stats, dieWith } = fakeWorkers();
    const parser = workerFileParser(spawn);
    dieWith('Out of memory');
    const err = await parser.run(file('run.json', run())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFileError);
    expect((err as Error).message).toMatch(/^run\.json: its parser stopped \(Out of memory\), most likely out of memory; the page is as it was$/);
    expect(stats.terminated).toBe(1);
  });

  it('a parser that never answers is stopped at the time budget: a typed refusal, its worker ended', async () => {
    let terminated = 0;
    const silent = (): ParseWorker => ({ onmessage: null, onerror: null, onmessageerror: null, postMessage: () => undefined, terminate: () => void terminated++ });
    const parser = workerFileParser(silent, 20);
    const err = await parser.tokens(file('slow.safetensors', 'x'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenImportError);
    expect((err as Error).message).toMatch(/^slow\.safetensors: not read within the 60 s limit \(time the throwaway parse worker has .*\); its parser was stopped and the page is as it was$/);
    expect(terminated).toBe(1);
  });
});
