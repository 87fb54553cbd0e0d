import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from './shortcuts';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  targetTag: 'BODY',
  targetEditable: false,
  ...extra,
});

describe('shortcutFor', () => {
  it('maps Space and . during a run', () => {
    expect(shortcutFor(key(' '), true)).toBe('togglePause');
    expect(shortcutFor(key('.'), true)).toBe('step');
  });

  it('does nothing without a run', () => {
    expect(shortcutFor(key(' '), false)).toBeNull();
    expect(shortcutFor(key('.'), false)).toBeNull();
  });

  it('leaves typing alone', () => {
    expect(shortcutFor(key(' ', { targetTag: 'INPUT', targetType: 'number' }), true)).toBeNull();
    expect(shortcutFor(key('.', { targetTag: 'INPUT', targetType: 'text' }), true)).toBeNull();
    expect(shortcutFor(key('.', { targetTag: 'TEXTAREA' }), true)).toBeNull();
    expect(shortcutFor(key(' ', { targetTag: 'SELECT' }), true)).toBeNull();
    expect(shortcutFor(key(' ', { targetTag: 'DIV', targetEditable: true }), true)).toBeNull();
  });

  it('ignores modified keys and other keys', () => {
    expect(shortcutFor(key(' ', { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key('a'), true)).toBeNull();
  });

  it('pauses from a focused button or slider during a run', () => {
    expect(shortcutFor(key(' ', { targetTag: 'BUTTON' }), true)).toBe('togglePause');
    expect(shortcutFor(key(' ', { targetTag: 'INPUT', targetType: 'range' }), true)).toBe('togglePause');
  });
});
