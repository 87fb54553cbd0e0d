import { describe, expect, it } from 'vitest';
import { classifyMessage } from './messages';

describe('classifyMessage', () => {
  it.each([
    ['the total became NaN at step 12; the step was skipped and the run paused. Lower the learning rate and resume.', 'nan'],
    ['non-finite gradient in tokens at step 3', 'nan'],
    ['mask collapse: the masks are nearly identical (Dice overlap 0.970 > 0.95)', 'collapse'],
    ['token 2 covers almost everything (mean mask 0.990 > 0.95)', 'collapse'],
    ['token 5 went dark (mean mask 0.0010 < 0.01)', 'collapse'],
    ['WebGPU device was lost: continuing on webgl from step 40', 'device-lost'],
    ['no shipped teacher at models/detection-teacher/model.json: using a fresh, untrained teacher', 'missing-file'],
  ])('%s -> %s', (text, kind) => {
    const m = classifyMessage(text, 'warn');
    expect(m.kind).toBe(kind);
    expect(m.hint).toBeTruthy();
  });

  it('keeps unknown messages as they are, and errors as errors', () => {
    expect(classifyMessage('something odd', 'warn')).toEqual({ level: 'warn', kind: 'other', text: 'something odd', hint: null });
    expect(classifyMessage('the total became NaN at step 1', 'error').level).toBe('error');
    expect(classifyMessage('maintenance window', 'info').kind).toBe('other');
  });
});
