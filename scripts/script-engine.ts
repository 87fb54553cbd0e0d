// One engine for the training scripts (train-teachers, learn-tokens, reproduce), wherever it runs:
// - wasm, cpu: in this Node process (src/train/localEngine.ts: the page's client on the worker's
//   own dispatcher and session, no browser; the shipped files are read from public/ on disk);
// - webgpu, webgl: in headless Chromium, the built page's training worker (window.maskd.engine()).
// Both take the same requests and give the same results (weights as ArrayBuffers), so each script
// is written once against `ScriptEngine`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MethodName } from '../src/maskd/methods';
import type { Task } from '../src/models/nets';
import type { BackendStatus } from '../src/backends/init';
import type { EngineClient } from '../src/engine/client';
import { localEngine } from '../src/train/localEngine';
import type { ModelArtifactsData, NamedArray } from '../src/engine/artifacts';
import type { DemoLoaded, LoadDemoOptions } from '../src/engine/models';
import type { RunProgress } from '../src/engine/progress';
import type { CompareConfig, MaskStageConfig, TrainTeacherRequest } from '../src/engine/runConfigs';
import type { CompareRow, MasksResult } from '../src/engine/runResults';
import type { TokenReport, TokensFile } from '../src/engine/tokens';
import type { LoadModelsRequest, ModelsLoaded } from '../src/engine/userModels';
import { openAppPage, type AppPage } from './app-session.mjs';

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;
export const PAGE_BACKENDS = ['webgpu', 'webgl'] as const;
export type ScriptBackend = (typeof NODE_BACKENDS)[number] | (typeof PAGE_BACKENDS)[number];

export function isPageBackend(backend: ScriptBackend): boolean {
  return (PAGE_BACKENDS as readonly string[]).includes(backend);
}

export function parseBackend(value: string, flag = '--backend'): ScriptBackend {
  const all: readonly string[] = [...NODE_BACKENDS, ...PAGE_BACKENDS];
  if (!all.includes(value)) throw new Error(`${flag}: one of ${all.join(', ')} (wasm and cpu run in Node, webgpu and webgl in headless Chromium); got ${value}`);
  return value as ScriptBackend;
}

/** A chunk of teacher training: the trained weights and Adam state, to continue from. */
export interface TeacherRun {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly stopped: boolean;
}

export interface ScriptEngine {
  /** Where it runs, e.g. "Node v20.19.0" or "Chromium 156.0.7501.0". */
  readonly runtime: string;
  /** Engine warnings' text (an untrained teacher, mask collapse, …). */
  onWarning: (message: string) => void;
  /** A fresh engine (session or worker) on `backend`, with the digit data loaded. */
  start(backend: ScriptBackend): Promise<BackendStatus>;
  /** The shipped teacher (public/models in Node, the built app's in the page) with its tokens, and the demo student (pretrained backbone unless `options.studentInit` is 'fresh'). */
  loadDemo(task: Task, options?: LoadDemoOptions): Promise<DemoLoaded>;
  learnMasks(config: MaskStageConfig, onProgress?: (p: RunProgress) => void): Promise<MasksResult>;
  compare(methods: readonly MethodName[], config: CompareConfig, onMethodDone?: (row: CompareRow) => void): Promise<CompareRow[]>;
  exportTokens(): Promise<TokensFile>;
  /** What each current token attends to over `count` test scenes (live tokens, pairwise Dice). */
  tokenReport(count?: number): Promise<TokenReport>;
  trainTeacher(request: TrainTeacherRequest, onProgress?: (p: RunProgress) => void): Promise<TeacherRun>;
  /** A user's model files as teacher or student (Node only: the page's engine gets them from a drop). */
  loadModels?(request: LoadModelsRequest): Promise<ModelsLoaded>;
  close(): Promise<void>;
}

class NodeScriptEngine implements ScriptEngine {
  readonly runtime = `Node ${process.version}`;
  onWarning: (message: string) => void = () => {};
  private current: EngineClient | null = null;

  async start(backend: ScriptBackend): Promise<BackendStatus> {
    this.current?.terminate();
    const engine = localEngine();
    engine.onWarning = (w) => this.onWarning(w.text);
    this.current = engine;
    return engine.init('', [backend]);
  }

  private get engine(): EngineClient {
    if (!this.current) throw new Error('start the engine on a backend first');
    return this.current;
  }

  loadDemo(task: Task, options?: LoadDemoOptions): Promise<DemoLoaded> {
    return this.engine.loadDemo(task, options);
  }

  learnMasks(config: MaskStageConfig, onProgress?: (p: RunProgress) => void): Promise<MasksResult> {
    return this.engine.learnMasks(config, { onProgress });
  }

  compare(methods: readonly MethodName[], config: CompareConfig, onMethodDone?: (row: CompareRow) => void): Promise<CompareRow[]> {
    return this.engine.compare(methods, config, { onCompareRow: onMethodDone });
  }

  exportTokens(): Promise<TokensFile> {
    return this.engine.exportTokens();
  }

  tokenReport(count?: number): Promise<TokenReport> {
    return this.engine.tokenReport(count);
  }

  trainTeacher(request: TrainTeacherRequest, onProgress?: (p: RunProgress) => void): Promise<TeacherRun> {
    return this.engine.trainTeacher(request, { onProgress });
  }

  loadModels(request: LoadModelsRequest): Promise<ModelsLoaded> {
    return this.engine.loadModels(request);
  }

  async close(): Promise<void> {
    this.current?.terminate();
    this.current = null;
  }
}

/** What the page gets from the script besides the app's own `window.maskd`. */
interface ScriptWindow {
  __maskdScript(kind: 'progress' | 'warning', payload: unknown): Promise<void>;
}

const toBase64 = (bytes: ArrayBuffer | ArrayBufferView): string =>
  (ArrayBuffer.isView(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes)).toString('base64');

function fromBase64(text: string): ArrayBuffer {
  const b = Buffer.from(text, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

class PageScriptEngine implements ScriptEngine {
  readonly runtime: string;
  onWarning: (message: string) => void = () => {};
  /** Progress callback of the request in flight (one at a time). */
  private listener: ((payload: unknown) => void) | null = null;

  private constructor(private readonly app: AppPage) {
    this.runtime = `Chromium ${app.browserVersion}`;
  }

  static async open(options: PageOptions): Promise<PageScriptEngine> {
    execFileSync(process.execPath, [fileURLToPath(new URL('./ensure-chromium.mjs', import.meta.url))], { stdio: 'inherit' });
    const app = await openAppPage({ build: options.skipBuild ? 'never' : 'always', port: options.port });
    const engine = new PageScriptEngine(app);
    // tsx compiles this file with esbuild's keepNames, which wraps named functions inside the
    // page.evaluate callbacks below in __name(fn, "name"): the page needs that helper too.
    await app.page.evaluate('globalThis.__name ??= (fn) => fn');
    await app.page.exposeFunction('__maskdScript', (kind: 'progress' | 'warning', payload: unknown) => {
      if (kind === 'warning') engine.onWarning(String(payload));
      else engine.listener?.(payload);
    });
    return engine;
  }

  private async withProgress<T>(onProgress: ((p: never) => void) | undefined, body: () => Promise<T>): Promise<T> {
    this.listener = (onProgress as ((payload: unknown) => void) | undefined) ?? null;
    try {
      return await body();
    } finally {
      this.listener = null;
    }
  }

  start(backend: ScriptBackend): Promise<BackendStatus> {
    return this.app.page.evaluate(async (backend) => {
      const page = window as unknown as ScriptWindow;
      // A fresh engine of our own (the page's UI starts the shared one on load).
      window.maskd.engine().terminate();
      const engine = window.maskd.engine();
      engine.onWarning = (w) => void page.__maskdScript('warning', w.text);
      return engine.init(window.maskd.dataUrl, [backend]);
    }, backend);
  }

  loadDemo(task: Task, options?: LoadDemoOptions): Promise<DemoLoaded> {
    return this.app.page.evaluate(([task, options]) => window.maskd.engine().loadDemo(task, options), [task, options] as const);
  }

  learnMasks(config: MaskStageConfig, onProgress?: (p: RunProgress) => void): Promise<MasksResult> {
    return this.withProgress(onProgress, () =>
      this.app.page.evaluate(async (config) => {
        const page = window as unknown as ScriptWindow;
        return window.maskd.engine().learnMasks(config, { onProgress: (p) => void page.__maskdScript('progress', p) });
      }, config),
    );
  }

  compare(methods: readonly MethodName[], config: CompareConfig, onMethodDone?: (row: CompareRow) => void): Promise<CompareRow[]> {
    return this.withProgress(onMethodDone, () =>
      this.app.page.evaluate(
        async ({ methods, config }) => {
          const page = window as unknown as ScriptWindow;
          return window.maskd.engine().compare(methods, config, { onCompareRow: (row) => void page.__maskdScript('progress', row) });
        },
        { methods, config },
      ),
    );
  }

  exportTokens(): Promise<TokensFile> {
    return this.app.page.evaluate(() => window.maskd.engine().exportTokens());
  }

  tokenReport(count?: number): Promise<TokenReport> {
    return this.app.page.evaluate((count) => window.maskd.engine().tokenReport(count), count);
  }

  async trainTeacher(request: TrainTeacherRequest, onProgress?: (p: RunProgress) => void): Promise<TeacherRun> {
    // ArrayBuffers cross page.evaluate as base64.
    const { initial, optimizer, ...rest } = request;
    const arg = {
      request: rest,
      initial: initial ? { ...initial, weightData: toBase64(initial.weightData) } : null,
      optimizer: optimizer ? optimizer.map((o) => ({ name: o.name, shape: [...o.shape], data: toBase64(o.data) })) : null,
    };
    const r = await this.withProgress(onProgress, () =>
      this.app.page.evaluate(async ({ request, initial, optimizer }) => {
        const page = window as unknown as ScriptWindow;
        const decode = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer;
        const encode = (bytes: Uint8Array) => {
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(bin);
        };
        const r = await window.maskd.engine().trainTeacher(
          {
            ...request,
            initial: initial ? { ...initial, weightData: decode(initial.weightData) } : undefined,
            optimizer: optimizer ? optimizer.map((o) => ({ ...o, data: new Float32Array(decode(o.data)) })) : undefined,
          },
          { onProgress: (p) => void page.__maskdScript('progress', p) },
        );
        return {
          step: r.step,
          metric: r.metric,
          stopped: r.stopped,
          artifacts: { ...r.artifacts, weightData: encode(new Uint8Array(r.artifacts.weightData)) },
          optimizer: r.optimizer.map((o) => ({ name: o.name, shape: o.shape, data: encode(new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength)) })),
        };
      }, arg),
    );
    return {
      ...r,
      artifacts: { ...r.artifacts, weightData: fromBase64(r.artifacts.weightData) },
      optimizer: r.optimizer.map((o) => ({ ...o, data: new Float32Array(fromBase64(o.data)) })),
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

export interface PageOptions {
  /** Port of the preview server for the built app. */
  readonly port: number;
  /** Reuse dist/ instead of building the app first. */
  readonly skipBuild: boolean;
}

/** The engines a script uses, opened on first use: Node's for wasm/cpu, one Chromium page for webgpu/webgl. */
export class Engines {
  private node: NodeScriptEngine | null = null;
  private page: Promise<PageScriptEngine> | null = null;
  onWarning: (message: string) => void = (m) => console.warn(`  [engine warning] ${m}`);

  constructor(private readonly pageOptions: PageOptions) {}

  async on(backend: ScriptBackend): Promise<ScriptEngine> {
    const engine = isPageBackend(backend) ? await (this.page ??= PageScriptEngine.open(this.pageOptions)) : (this.node ??= new NodeScriptEngine());
    engine.onWarning = (m) => this.onWarning(m);
    return engine;
  }

  async close(): Promise<void> {
    await this.node?.close();
    if (this.page) await (await this.page).close();
  }
}
