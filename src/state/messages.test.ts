import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../limits';
import { useAppStore } from './store';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
beforeEach(() => useAppStore.setState(initial, true));

describe('notices', () => {
  it('carry the hint of their kind, and default to error/other by level', () => {
    s().pushMessage('the task loss became NaN at step 8; the step was skipped and the run paused', 'warn', 'nan');
    s().pushMessage('Could not load the teacher: model.json: is not JSON', 'error', 'model-file');
    s().pushMessage('Could not draw the masks: boom', 'error');
    s().pushMessage('Teacher trained on your dataset for 40 steps.', 'info');
    expect(s().messages.map((m) => [m.kind, m.level])).toEqual([
      ['nan', 'warn'],
      ['model-file', 'error'],
      ['error', 'error'],
      ['other', 'info'],
    ]);
    expect(s().messages[0].hint).toMatch(/Lower the learning rate/);
    expect(s().messages[1].hint).toMatch(/loaded before are unchanged/);
    expect(s().messages[2].hint).toBeNull();
  });

  it('keep the six newest, each once, and go when dismissed', () => {
    for (let i = 1; i <= 8; i++) s().pushMessage(`note ${i}`, 'info');
    expect(s().messages.map((m) => m.text)).toEqual(['note 3', 'note 4', 'note 5', 'note 6', 'note 7', 'note 8']);
    s().dismissMessage(s().messages[0].id);
    expect(s().messages.map((m) => m.text)[0]).toBe('note 4');
  });

  it('are cut at the notice limit whatever they quote (lengths generated up to 30 M characters)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000_000 }), (n) => {
        const text = `Could not import x.safetensors: "${'n'.repeat(n)}"`;
        s().pushMessage(text, 'error');
        const shown = s().messages.at(-1)!.text;
        expect(shown.length).toBeLessThanOrEqual(LIMITS.noticeChars.value + 40);
        if (text.length <= LIMITS.noticeChars.value) expect(shown).toBe(text);
        else expect(shown).toMatch(/… \([\d ]+ characters\)$/);
      }),
      { numRuns: 25 },
    );
  });
});
