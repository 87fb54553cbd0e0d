import { describe, expect, it } from 'vitest';
import { CSV_HEADER, historyToCsv, historyToJson, parseHistoryCsv, parseHistoryJson } from './history';
import { sampleHistory } from './history.testkit';

describe('history CSV', () => {
  it('one row per point in long format, values exact to the last bit', () => {
    const { losses, metrics } = sampleHistory();
    const csv = historyToCsv(losses, metrics);
    expect(csv.split('\n')[0]).toBe(CSV_HEADER);
    const rows = parseHistoryCsv(csv);
    expect(rows.length).toBe(5 * 3 + 4 * 3 + 2);
    const distill = rows.find((r) => r.kind === 'loss' && r.term === 'distill' && r.step === 3);
    expect(distill).toEqual({ kind: 'loss', stage: 'distill', method: 'maskd', term: 'distill', step: 3, value: Math.PI / 3 });
    expect(rows.find((r) => r.stage === 'masks' && r.term === 'dice' && r.step === 2)?.value).toBe(0.3 + 2e-17);
    expect(rows.filter((r) => r.kind === 'metric').map((r) => [r.step, r.value])).toEqual([[2, 0.2], [4, 0.4]]);
    expect(rows.find((r) => r.stage === 'masks')?.method).toBeNull();
    expect(Number.isNaN(rows.find((r) => r.term === 'total' && r.stage === 'distill')!.value)).toBe(true);
  });

  it('refuses a CSV with another header or a bad row', () => {
    expect(() => parseHistoryCsv('a,b\n')).toThrow(/first line/);
    expect(() => parseHistoryCsv(`${CSV_HEADER}\nloss,masks,,task,1\n`)).toThrow(/fields/);
  });
});

describe('history JSON', () => {
  it('round-trips to the same series maps (NaN as null)', () => {
    const { losses, metrics } = sampleHistory();
    const back = parseHistoryJson(historyToJson(losses, metrics));
    expect(Object.keys(back.losses).sort()).toEqual(Object.keys(losses).sort());
    expect(back.metrics).toEqual(metrics);
    expect(back.losses['masks:-:task']).toEqual(losses['masks:-:task']);
    expect(Number.isNaN(back.losses['distill:maskd:total'].points[0].y)).toBe(true);
  });

  it('refuses malformed history with a message naming the place', () => {
    const good = JSON.parse(historyToJson(sampleHistory().losses, {}));
    const bad = (mut: (h: typeof good) => void) => {
      const h = structuredClone(good);
      mut(h);
      return () => parseHistoryJson(JSON.stringify(h));
    };
    expect(() => parseHistoryJson('{')).toThrow(/not valid JSON/);
    expect(bad((h) => (h.format = 'x'))).toThrow(/not a MasKD Playground history/);
    expect(bad((h) => (h.losses[0].stage = 'evil'))).toThrow(/losses\[0\]: stage/);
    expect(bad((h) => (h.losses[0].method = 'rm -rf'))).toThrow(/method/);
    expect(bad((h) => (h.losses[0].term = '<script>'))).toThrow(/term/);
    expect(bad((h) => (h.losses[0].points[1][0] = 0))).toThrow(/step above the previous/);
    expect(bad((h) => (h.losses[0].points[1] = [2, 'x']))).toThrow(/number value/);
    expect(bad((h) => h.losses.push(h.losses[0]))).toThrow(/appears twice/);
  });
});
