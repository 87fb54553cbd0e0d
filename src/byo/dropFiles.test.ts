import { describe, expect, it } from 'vitest';
import { groupByRole } from './dropFiles';

const f = (...paths: string[]) => paths.map((path) => ({ path }));

describe('groupByRole', () => {
  it('a drop on a card is that role', () => {
    expect(groupByRole(f('model.json', 'a.bin'), 'student')).toEqual({ student: { files: f('model.json', 'a.bin'), label: 'model.json' } });
  });

  it('elsewhere: one model is the teacher unless its folder says student', () => {
    expect(groupByRole(f('net/model.json', 'net/a.bin'), null).teacher?.label).toBe('net');
    expect(groupByRole(f('my-student/model.json', 'my-student/a.bin'), null).student?.files).toHaveLength(2);
  });

  it('two folders: the one named like student is the student', () => {
    const g = groupByRole(f('t/model.json', 't/a.bin', 'Student/model.json', 'Student/b.bin', 'Student/c.bin'), null);
    expect(g.teacher?.files.map((x) => x.path)).toEqual(['t/model.json', 't/a.bin']);
    expect(g.student?.files.map((x) => x.path)).toEqual(['Student/model.json', 'Student/b.bin', 'Student/c.bin']);
  });

  it('says why when it cannot tell', () => {
    expect(() => groupByRole(f('a/model.json', 'b/model.json'), null)).toThrow(/not exactly one folder is named like "student"/);
    expect(() => groupByRole(f('a/model.json', 'b/model.json'), 'teacher')).toThrow(/2 models dropped on the teacher card/);
    expect(() => groupByRole([], null)).toThrow(/nothing was dropped/);
  });
});
