// Which loaded demo a returned checkpoint is checked against in place (demoFitsCheckpoint), by
// hand-made demo records: the built-in student by its init, the user's own student only by a
// checkpoint without studentInit, a rebuildable demo of the page's own teacher never.
import { expect, it } from 'vitest';
import type { Checkpoint } from '../engine/checkpoint';
import { checkpointTarget, demoFitsCheckpoint } from './installCheckpoint';
import type { Demo } from './demo';

const digits = { kind: 'digits' } as Demo['source'];
const plain = { task: 'segmentation', inputShape: [64, 64, 3], source: digits, base: '/models', studentBackbone: new Map() } as unknown as Demo;
const userStudent = { ...plain, base: '/models', user: { teacher: null, student: { label: 'my-student' } } } as unknown as Demo;
const userTeacher = { ...plain, user: { teacher: { label: 'my-teacher' }, student: null } } as unknown as Demo;
const dataset = { ...userStudent, base: null, source: { kind: 'custom' }, user: { teacher: { label: 'my-teacher' }, student: { label: 'my-student' } } } as unknown as Demo;
const cp = (o: Partial<Checkpoint>) => ({ task: 'segmentation', inputSize: 64, ...o }) as Checkpoint;

it('the built-in student: same task, size and init, and a demo a load can rebuild', () => {
  expect(demoFitsCheckpoint(plain, cp({ studentInit: 'pretrained' }))).toBe(true);
  expect(demoFitsCheckpoint(plain, cp({ studentInit: 'fresh' }))).toBe(false);
  expect(demoFitsCheckpoint(plain, cp({ studentInit: 'pretrained', inputSize: 32 }))).toBe(false);
  expect(demoFitsCheckpoint(plain, cp({ studentInit: 'pretrained', task: 'detection' }))).toBe(false);
  // A teacher trained in the page: the shipped demo is loaded for the check instead.
  expect(demoFitsCheckpoint({ ...plain, base: null }, cp({ studentInit: 'pretrained' }))).toBe(false);
  expect(demoFitsCheckpoint(null, cp({}))).toBe(false);
  // Beside the user's teacher the built-in student is checked in place (no demo load can rebuild it).
  expect(demoFitsCheckpoint(userTeacher, cp({ studentInit: 'pretrained' }))).toBe(true);
});

it('the user\'s own student: only a checkpoint without studentInit, on its task and size', () => {
  expect(demoFitsCheckpoint(userStudent, cp({}))).toBe(true);
  expect(demoFitsCheckpoint(userStudent, cp({ studentInit: 'pretrained' }))).toBe(false);
  expect(demoFitsCheckpoint(dataset, cp({}))).toBe(true);
  expect(demoFitsCheckpoint(dataset, cp({ inputSize: 32 }))).toBe(false);
});

it('messages name what the checkpoint was checked against', () => {
  expect(checkpointTarget(plain)).toBe('the segmentation demo');
  expect(checkpointTarget(userStudent)).toBe('your student my-student on the demo scenes');
  expect(checkpointTarget(userTeacher)).toBe('the built-in student with your teacher my-teacher on the demo scenes');
  expect(checkpointTarget(dataset)).toBe('your student my-student with your teacher my-teacher on your dataset');
});
