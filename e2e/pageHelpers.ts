// Page helpers shared by the specs on the built app (WebGPU on the software adapter).
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Distinct RGB values of a canvas and a cheap hash, read in the page. */
export async function canvasStats(page: Page, testId: string): Promise<{ distinct: number; hash: number }> {
  return page.getByTestId(testId).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    let hash = 0;
    for (let i = 0; i < px.length; i += 4) {
      const v = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
      seen.add(v);
      hash = (hash * 31 + v) | 0;
    }
    return { distinct: seen.size, hash };
  });
}

/**
 * A screenshot of the viewport (the app scrolls its columns itself at desktop sizes) as a test
 * artifact: a file in the test's output folder (`--output`), kept for passing tests, and an
 * attachment in the HTML report.
 */
/** A screenshot written to the test's output folder (kept for passing tests) and attached. */
export async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ fullPage, path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export const runStep = async (page: Page) => Number(await page.getByTestId('run-status').getAttribute('data-step'));

/**
 * The step a paused run holds. The page shows Paused at once; the worker stops at its next step
 * boundary and then sends the step it holds. Progress comes at most every 250 ms, so until then
 * the shown step can lag several fast steps: this reads it once it has stopped changing.
 */
export async function pausedStep(page: Page): Promise<number> {
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'paused');
  let step = -1;
  const settled = async () => {
    const before = step;
    step = await runStep(page);
    return step === before;
  };
  await expect.poll(settled, { intervals: [600], timeout: 20_000 }).toBe(true);
  return step;
}

export async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
  await expect(page.getByTestId(testId)).toHaveValue(String(value));
}

/** Waits until the first token mask is drawn (not a uniform canvas); returns ms since navigation. */
export async function waitForMasks(page: Page, timeout = 120_000): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas-0-0"]');
      if (!c) return null;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 4; i < px.length; i += 4) if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) return performance.now();
      return null;
    },
    null,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}

export interface LongTask {
  readonly start: number;
  readonly duration: number;
}

/** Starts collecting the main thread's long tasks (≥ 50 ms, the browser's threshold) from now on. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: false });
  });
}

export async function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks.slice());
}

export interface MainThreadTask {
  /** Start on the trace clock, ms. */
  readonly start: number;
  /** Wall-clock duration, ms. */
  readonly wall: number;
  /** CPU time of the renderer main thread in the task, ms (unaffected by other processes' load). */
  readonly cpu: number;
  /** The heaviest events inside it (with the devtools.timeline category), for the report. */
  readonly inside: string;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; lineNumber?: number } };
}

function traceEvents(trace: Buffer): TraceEvent[] {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/**
 * The renderer main thread's top-level tasks from a Chrome trace (`toplevel` category): wall
 * time (`dur`) and thread CPU time (`tdur`) of each, leaving out those overlapping a window
 * between `performance.mark`s named `<name>:start` / `<name>:end` (`blink.user_timing`).
 */
export function mainThreadTasks(trace: Buffer, excludeMarks: readonly string[] = []): MainThreadTask[] {
  const events = traceEvents(trace);
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e: TraceEvent) => main.has(`${e.pid}:${e.tid}`);
  const markAt = (name: string) => events.find((e) => e.name === name)?.ts;
  const windows = excludeMarks.flatMap((m) => {
    const a = markAt(`${m}:start`);
    const b = markAt(`${m}:end`);
    return a !== undefined && b !== undefined ? [[a, b] as const] : [];
  });
  const slices = events.filter((e) => e.ph === 'X' && onMain(e) && e.dur !== undefined);
  return slices
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')
    .filter((e) => !windows.some(([a, b]) => e.ts + (e.dur ?? 0) >= a && e.ts <= b))
    .map((e) => {
      const end = e.ts + (e.dur ?? 0);
      const inner = slices
        .filter((c) => c !== e && c.ts >= e.ts && c.ts + (c.dur ?? 0) <= end && c.name !== e.name)
        .sort((x, y) => (y.tdur ?? y.dur ?? 0) - (x.tdur ?? x.dur ?? 0))
        .slice(0, 4)
        .map((c) => {
          const d = c.args?.data;
          const where = d?.url || d?.functionName ? ` ${d.functionName ?? ''}@${(d.url ?? '').split('/').pop()}:${d.lineNumber ?? ''}` : '';
          return `${c.name}${where} ${((c.tdur ?? c.dur ?? 0) / 1000).toFixed(0)}`;
        });
      return { start: e.ts / 1000, wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000, inside: inner.join(', ') };
    });
}
