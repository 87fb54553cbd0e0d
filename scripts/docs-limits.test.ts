// docs/limits.md is generated from src/limits.ts (scripts/docs-limits.ts): a limit changed without
// `npm run docs:limits` fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../src/limits';
import { LIMITS_DOC, renderLimitsDoc } from './docs-limits';

describe('docs/limits.md', () => {
  it('is what `npm run docs:limits` writes now', () => {
    expect(readFileSync(LIMITS_DOC, 'utf8'), 'docs/limits.md is stale: run `npm run docs:limits`').toBe(renderLimitsDoc());
  });

  it('has a row per limit, with its name, value and reason', () => {
    const doc = renderLimitsDoc();
    for (const [key, spec] of Object.entries(LIMITS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      expect(row, key).toContain(spec.display);
      expect(row, key).toContain(spec.why);
    }
  });
});
