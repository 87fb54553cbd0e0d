import { describe, expect, it } from 'vitest';
import { fixture, LIMITS } from './fixtures.testkit';
import { ModelFileError, parseModelFiles, type ModelFile } from './modelFiles';

async function problem(files: ModelFile[]): Promise<ModelFileError> {
  try {
    parseModelFiles(files, LIMITS);
  } catch (err) {
    if (err instanceof ModelFileError) return err;
    throw err;
  }
  throw new Error('parsed without error');
}

describe('parseModelFiles', () => {
  it('reads a layers model split over two shards into one weight buffer', async () => {
    const files = await fixture('teacher-valid');
    const parsed = parseModelFiles(files, LIMITS);
    expect(parsed.format).toBe('layers-model');
    expect(parsed.modelFile).toBe('teacher-valid/model.json');
    const shardBytes = files.filter((f) => f.name.endsWith('.bin')).reduce((a, f) => a + f.data.byteLength, 0);
    expect(parsed.weightBytes).toBe(shardBytes);
    expect((parsed.artifacts.weightData as ArrayBuffer).byteLength).toBe(shardBytes);
    // The buffer is shard 1 then shard 2, byte for byte.
    const first = new Uint8Array(files.find((f) => f.name.endsWith('shard1of2.bin'))!.data);
    expect(new Uint8Array(parsed.artifacts.weightData as ArrayBuffer, 0, first.length)).toEqual(first);
  });

  it('detects a graph model', async () => {
    expect(parseModelFiles(await fixture('teacher-graph'), LIMITS).format).toBe('graph-model');
  });

  it('names the file and the problem for each broken set', async () => {
    const cases: [string, RegExp, RegExp][] = [
      ['broken-not-json', /model\.json$/, /is not JSON/],
      ['broken-not-tfjs', /model\.json$/, /JSON but not a TensorFlow\.js model.*has: name, version, layers/],
      ['broken-missing-shard', /group1-shard2of2\.bin/, /missing: .*lists 2 weight shard/],
      ['broken-extra-shard', /group1-shard3of2\.bin/, /not listed in .*weightsManifest/],
      ['broken-shard-size', /group1-shard1of2\.bin, group1-shard2of2\.bin/, /hold \d+ bytes, but .* declares \d+ bytes/],
      ['broken-too-large', /model\.json$/, /too large for this device: weight "huge\/kernel" \[12288,70000\] needs 3\.44 GB/],
    ];
    for (const [name, file, what] of cases) {
      const err = await problem(await fixture(name));
      expect(err.file, name).toMatch(file);
      expect(err.problem, name).toMatch(what);
    }
  });

  it('asks for model.json when only shards are dropped', async () => {
    const files = (await fixture('teacher-valid')).filter((f) => f.name.endsWith('.bin'));
    expect((await problem(files)).problem).toMatch(/no model\.json among the files \(group1-shard1of2\.bin, group1-shard2of2\.bin\)/);
  });

  it('checks the total against the device budget', async () => {
    const files = await fixture('teacher-valid');
    expect(() => parseModelFiles(files, { ...LIMITS, maxTotalBytes: 1000, source: 'tiny' })).toThrow(/weights need 58\.\d kB, more than the 1\.0 kB allowed \(tiny\)/);
  });
});
