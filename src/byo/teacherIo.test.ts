import { describe, expect, it } from 'vitest';
import { ModelFileError } from './modelFiles';
import { inputPlan, outputKind, outputSpecs, suggestRange } from './teacherIo';

describe('the input read from a model', () => {
  it('the value range from what the graph does to its input first', () => {
    expect(suggestRange('float32', [{ op: 'Mul', constant: 1 / 255 }]).range).toBe('0-255');
    expect(suggestRange('float32', [{ op: 'RealDiv', constant: 127.5 }]).range).toBe('0-255');
    expect(suggestRange('float32', [{ op: 'Sub', constant: 127.5 }]).why).toMatch(/centres its input itself \(Sub 127\.5\)/);
    expect(suggestRange('int32', []).range).toBe('0-255');
    expect(suggestRange('float32', [{ op: 'Conv2D', constant: null }])).toMatchObject({ range: '0-1', why: expect.stringMatching(/does not normalise its input itself/) });
  });

  it('layout, side and a batch fixed at 1 from the declared shape; asked values win', () => {
    expect(inputPlan('m.json', [1, 256, 256, 3], 'float32', [])).toMatchObject({ size: 256, layout: 'NHWC', range: '0-1', batchFixed: true });
    expect(inputPlan('m.json', [null, 3, 224, 224], 'float32', [])).toMatchObject({ size: 224, layout: 'NCHW', batchFixed: false, layoutWhy: expect.stringMatching(/channels first/) });
    expect(inputPlan('m.json', [1, 256, 256, 3], 'float32', [], { range: '-1-1' })).toMatchObject({ range: '-1-1', suggestedRange: '0-1', rangeWhy: 'as asked' });
    expect(() => inputPlan('m.json', [1, 256, 256, 3], 'float32', [], { layout: 'NCHW' })).toThrow(/m\.json: takes 256-channel images in NCHW/);
    expect(() => inputPlan('m.json', [1, 64, 64, 1], 'float32', [])).toThrow(ModelFileError);
  });
});

describe('outputs', () => {
  it('how each is read and whether it is compared', () => {
    expect(outputKind('mask', [256, 256, 1], 'Sigmoid')).toMatchObject({ dense: true, kind: 'sigmoid', use: expect.stringMatching(/cross-entropy/) });
    expect(outputKind('cls', [8, 8, 10], 'Softmax').kind).toBe('softmax');
    expect(outputKind('wh', [128, 128, 4], 'Mul')).toMatchObject({ dense: true, kind: 'regression', use: expect.stringMatching(/normalised L2/) });
    const det = outputKind('detections', [100, 6], 'ConcatV2');
    expect(det).toMatchObject({ dense: false, use: expect.stringMatching(/not compared: \[N,100,6\] is not a dense/) });
    expect(outputSpecs([outputKind('wh', [128, 128, 4], 'Mul'), det]).map((s) => s.name)).toEqual(['wh']);
  });
});
