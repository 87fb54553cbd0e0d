import { beforeEach, describe, expect, it } from 'vitest';
import {
  changeStudentInit,
  changeTask,
  compareMethods,
  connectEngine,
  distill,
  learnMasks,
  newSeed,
  remeasureBackends,
  startApp,
  stepOnce,
  stopRun,
  switchBackend,
  togglePause,
} from './actions';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
// A wait, not a speed check: generous, so a loaded machine only makes it slower.
async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(1);
  }
}

let engines: StubSession[];

beforeEach(async () => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
});

describe('student init', () => {
  it('loads the demo with the chosen init, again when it changes (not during a run), and warns when the backbone is missing', async () => {
    await startApp();
    await changeStudentInit('fresh');
    expect(s().studentInit).toBe('fresh');
    expect(engines[0].calls.filter((c) => c.startsWith('loadDemo'))).toEqual(['loadDemo:segmentation', 'loadDemo:segmentation+fresh-student']);
    expect(s().demoPhase).toBe('ready');
    engines[0].shippedBackbone = false;
    await changeStudentInit('pretrained');
    const m = s().messages.find((x) => x.kind === 'untrained-student');
    expect(m).toMatchObject({ level: 'warn', text: expect.stringMatching(/fresh init/), hint: expect.stringMatching(/pretrained backbone/) });
  });
});

describe('startApp', () => {
  it('inits the engine on Auto, loads the segmentation demo and draws its masks, with the worker’s self-check', async () => {
    const heard: (string | null)[] = [];
    const unsubscribe = useAppStore.subscribe((st, prev) => {
      if (st.calibrating !== prev.calibrating && st.calibrating) heard.push(st.calibrating.measuring);
    });
    await startApp();
    unsubscribe();
    // The masks of the shipped tokens come with the demo: no separate snapshot request.
    expect(engines[0].calls.slice(0, 3)).toEqual(['init:auto', 'loadDemo:segmentation', 'findCheckpoint']);
    // The calibration's progress reached the store while it ran, and was cleared when ready.
    expect(heard).toEqual(['wasm', 'webgpu', 'webgl', null]);
    expect(s().calibrating).toBeNull();
    expect(s().backendPhase).toBe('ready');
    expect(s().backendStatus?.backend).toBe('wasm');
    expect(s().backendStatus?.calibration?.fastest).toBe('wasm');
    expect(s().demoPhase).toBe('ready');
    expect(s().teacher?.role).toBe('teacher');
    expect(s().snapshots).toHaveLength(1);
    expect(s().masksTrained).toBe(true);
    expect(s().selfCheckOk).toBe(true);
  });

  it('without shipped tokens: says the masks are untrained', async () => {
    const fh = stubEngineHost();
    fh.host.get();
    fh.engines[0].shippedTokens = false;
    connectEngine(fh.host);
    await startApp();
    expect(s().masksTrained).toBe(false);
    expect(s().messages.map((m) => m.kind)).toContain('untrained-tokens');
    expect(s().demoPhase).toBe('ready');
    expect(s().snapshots).toHaveLength(0);
    expect(s().messages.some((m) => m.level === 'error')).toBe(false);
    s().setMask({ steps: 2 });
    await learnMasks();
    expect(s().masksTrained).toBe(true);
    expect(s().snapshots.at(-1)?.step).toBe(2);
  });

  it('without tokens: MasKD asks for mask learning first instead of starting', async () => {
    const fh = stubEngineHost();
    fh.host.get();
    fh.engines[0].shippedTokens = false;
    connectEngine(fh.host);
    await startApp();
    await distill();
    await compareMethods();
    expect(fh.engines[0].calls.some((c) => c.startsWith('distill') || c.startsWith('compare'))).toBe(false);
    expect(s().messages.at(-1)?.text).toMatch(/Learn masks/);
    s().setDistill({ method: 'fitnet', steps: 1 });
    await distill();
    expect(fh.engines[0].calls).toContain('distill:fitnet:1');
  });
});

describe('runs', () => {
  beforeEach(async () => {
    await startApp();
    await until(() => s().snapshots.length > 0);
  });

  it('learn masks records every step, the snapshots and ends idle', async () => {
    s().setMask({ steps: 5 });
    await learnMasks();
    expect(engines[0].calls).toContain('learnMasks:5');
    expect(s().runPhase).toBe('idle');
    expect(s().losses['masks:-:total'].points).toHaveLength(5);
    expect(s().snapshots.at(-1)?.step).toBe(5);
    expect(s().progress?.step).toBe(5);
  });

  it('pause stops the step counter, step advances by one, resume finishes', async () => {
    s().setMask({ steps: 50 });
    const done = learnMasks();
    await until(() => (s().progress?.step ?? 0) >= 2);
    togglePause();
    expect(s().runPhase).toBe('paused');
    await tick(20);
    const frozen = s().progress!.step;
    await tick(20);
    expect(s().progress!.step).toBe(frozen);
    stepOnce();
    await until(() => s().progress!.step === frozen + 1);
    await tick(20);
    expect(s().progress!.step).toBe(frozen + 1);
    togglePause();
    expect(s().runPhase).toBe('running');
    await done;
    expect(s().progress!.step).toBe(50);
  });

  it('stop ends the run early', async () => {
    s().setMask({ steps: 500 });
    const done = learnMasks();
    await until(() => (s().progress?.step ?? 0) >= 2);
    stopRun();
    expect(s().runPhase).toBe('stopping');
    await done;
    expect(s().runPhase).toBe('idle');
    expect(s().progress!.step).toBeLessThan(500);
  });

  it('a NaN pause from the engine shows one message with what to do', async () => {
    s().setMask({ steps: 100 });
    const done = learnMasks();
    await until(() => (s().progress?.step ?? 0) >= 1);
    engines[0].nanPause();
    expect(s().runPhase).toBe('paused');
    expect(s().pauseReason).toMatch(/became NaN/);
    // The engine's one warning is the one message: the pause's reason is not said again.
    expect(s().messages).toHaveLength(1);
    expect(s().messages[0]).toMatchObject({ kind: 'nan', level: 'warn' });
    expect(s().messages[0].hint).toMatch(/learning rate/);
    stopRun();
    await done;
  });

  it('distill sends the chosen method with its parameters', async () => {
    s().setDistill({ method: 'cwd', steps: 3 });
    s().setMethodParam('cwd', 'tau', 2);
    await distill();
    expect(engines[0].calls).toContain('distill:cwd:3');
    expect(s().losses['distill:cwd:distill'].points).toHaveLength(3);
    expect(s().metrics['distill:cwd:mIoU'].points).toHaveLength(1);
  });

  it('compare produces one row per ticked method', async () => {
    s().setDistill({ steps: 2 });
    s().toggleCompareMethod('cwd');
    await compareMethods();
    expect(s().compareRows.map((r) => r.method)).toEqual(['none', 'fitnet', 'maskd']);
    expect(s().comparedMethods).toEqual(['none', 'fitnet', 'maskd']);
  });

  it('an engine failure becomes an error message and the run ends', async () => {
    engines[0].failAtStep = 2;
    s().setMask({ steps: 5 });
    await learnMasks();
    expect(s().runPhase).toBe('idle');
    expect(s().messages.at(-1)?.level).toBe('error');
  });

  it('does not start a second run while one is going', async () => {
    s().setMask({ steps: 30 });
    const a = learnMasks();
    await distill();
    expect(engines[0].calls.filter((c) => c.startsWith('distill'))).toHaveLength(0);
    stopRun();
    await a;
  });

  it('switching task reloads the demo with its token count', async () => {
    await changeTask('detection');
    expect(engines[0].calls).toContain('loadDemo:detection');
    expect(s().mask.numTokens).toBe(6);
    expect(s().distill.params.maskd.lossWeight).toBe(7);
  });

  it('switching backend restarts the engine forced to that backend, still showing the remembered figures', async () => {
    await switchBackend('webgl');
    expect(engines[0].terminated).toBe(true);
    expect(engines[1].calls[0]).toBe('init:webgl');
    expect(s().backendStatus?.backend).toBe('webgl');
    expect(s().backendStatus?.calibration).toMatchObject({ remembered: true, fastest: 'wasm' });
    // WebGPU keeps a fallback chain; back to Auto reuses the remembered calibration without measuring.
    await switchBackend('webgpu');
    expect(engines[2].calls[0]).toBe('init:webgpu,wasm,webgl,cpu');
    await switchBackend('auto');
    expect(engines[3].calls[0]).toBe('init:auto');
    expect(s().backendStatus).toMatchObject({ backend: 'wasm', calibration: { remembered: true } });
  });

  it('a backend switch while a demo loads drops the old engine’s reply: no error, the new engine’s demo shows', async () => {
    await startApp();
    let release = () => {};
    engines[0].snapshotGate = new Promise<void>((r) => (release = r));
    const loading = changeTask('detection');
    await switchBackend('webgl');
    release();
    await loading;
    expect(engines[0].terminated).toBe(true);
    expect(s().messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(s().demoPhase).toBe('ready');
    expect(s().teacher?.source).toBe('builtin:detection-teacher');
  });

  it('only the latest demo load is shown: the page is never ready with another task’s teacher', async () => {
    await startApp();
    const readyWith: string[] = [];
    const unsubscribe = useAppStore.subscribe((st) => {
      if (st.demoPhase === 'ready') readyWith.push(`${st.task}:${st.teacher?.source}`);
    });
    let release = () => {};
    engines[0].snapshotGate = new Promise<void>((r) => (release = r));
    const first = changeTask('detection');
    const second = changeTask('segmentation');
    release();
    await Promise.all([first, second]);
    unsubscribe();
    expect(readyWith.length).toBeGreaterThan(0);
    expect(readyWith.filter((r) => r !== 'segmentation:builtin:segmentation-teacher')).toEqual([]);
  });

  it('re-measure times the backends again and goes back to Auto', async () => {
    await switchBackend('webgl');
    const before = s().backendStatus?.calibration?.measuredAt;
    await remeasureBackends();
    expect(s().backendChoice).toBe('auto');
    expect(engines.at(-1)?.calls[0]).toBe('init:auto:remeasure');
    expect(s().backendStatus).toMatchObject({ backend: 'wasm', calibration: { remembered: false } });
    expect(before).toBeDefined();
  });

  it('re-measure waits for an idle engine', async () => {
    s().setMask({ steps: 50 });
    const run = learnMasks();
    await until(() => s().runPhase === 'running');
    const count = engines.length;
    await remeasureBackends();
    expect(engines.length).toBe(count);
    stopRun();
    await run;
  });

  it('new seed changes the seed to a positive integer', () => {
    const before = s().seed;
    newSeed();
    expect(s().seed).not.toBe(before);
    expect(Number.isInteger(s().seed) && s().seed > 0).toBe(true);
  });
});
