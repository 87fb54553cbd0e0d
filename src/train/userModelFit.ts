// How a user's model fits the data it is checked against: the input side the data is made at,
// whether its outputs are the data's labels (else, for a teacher, which dense outputs a label-free
// student must produce), and which layer is its tap. Each refusal is a ModelFileError naming the file.
import { ModelFileError } from '../byo/modelFiles';
import type { TeacherOutput } from '../byo/teacherIo';
import { layerRows, outputProblem, planInput, suggestTap, taskChannels, type ModelGraph } from '../byo/topology';
import type { MimicOutput } from '../models/mimicStudent';
import type { Task } from '../models/nets';

/** The data the models are checked against: its task, classes and name in messages. */
export interface DataSpec {
  readonly task: Task;
  readonly classes: number;
  readonly name: string;
  /** Its images in messages: "the demo scenes", "the segmentation dataset's images". */
  readonly images: string;
  /** False for images without labels. */
  readonly labelled: boolean;
}

/** The tap to use: the requested one if it qualifies, else the suggestion; or a ModelFileError. */
export function pickTap(file: string, graph: ModelGraph, outputChannels: number, requested?: string): { tap: string; why: string } {
  if (requested) {
    const row = layerRows(graph).find((r) => r.name === requested);
    if (!row) throw new ModelFileError(file, `has no layer "${requested}" to tap`);
    if (row.notTap) throw new ModelFileError(file, `layer "${requested}" cannot be the tap: ${row.notTap}`);
    return { tap: requested, why: 'chosen' };
  }
  const { suggestion, firstProblem } = suggestTap(graph, outputChannels);
  if (!suggestion) throw new ModelFileError(file, `has no layer that can be the tap: ${firstProblem}`);
  return { tap: suggestion.tap, why: `suggested: ${suggestion.why}` };
}

/** The input side the data is made at for this model, or a ModelFileError. */
export function inputSize(file: string, data: DataSpec, graph: ModelGraph): number {
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  const plan = planInput(input?.shape ?? null, data.images);
  if ('problem' in plan) throw new ModelFileError(file, `cannot take the ${data.name}'s data: ${plan.problem}`);
  return plan.size;
}

function outputShapes(graph: ModelGraph): (readonly (number | null)[] | null)[] {
  return graph.outputs.map((o) => graph.nodes.find((n) => n.name === o)?.shape ?? null);
}

/** A student checked against the labels: its input side. */
export function checkIo(file: string, data: DataSpec, graph: ModelGraph): number {
  const size = inputSize(file, data, graph);
  const problem = outputProblem(data.task, size, outputShapes(graph), data.classes, data.name);
  if (problem) throw new ModelFileError(file, `this student does not fit the ${data.name}: ${problem}`);
  return size;
}

/** How a teacher fits the data: its input side, and why no labels fit it (null when they do). */
export interface TeacherFit {
  readonly size: number;
  readonly labelFree: string | null;
  /** Every output, and how the label-free objective reads each. */
  readonly outputs: readonly TeacherOutput[];
}

export function fitTeacher(file: string, data: DataSpec, graph: ModelGraph, outputs: readonly TeacherOutput[]): TeacherFit {
  const size = inputSize(file, data, graph);
  const problem = data.labelled ? outputProblem(data.task, size, outputShapes(graph), data.classes, data.name) : `the ${data.name} has images only, no labels`;
  if (problem && !outputs.some((o) => o.dense)) {
    throw new ModelFileError(
      file,
      `no labels fit this teacher (${problem}), and none of its outputs is a dense map [N,H,W,C] whose own values stage 1 could learn from: ${outputs.map((o) => `${o.name} ${o.use}`).join('; ')}`,
    );
  }
  return { size, labelFree: problem, outputs };
}

/** Output channels a tap must exceed: the task head's, or a label-free teacher's widest dense output. */
export function outputWidth(fit: TeacherFit, data: DataSpec): number {
  if (!fit.labelFree) return taskChannels(data.task, data.classes);
  return Math.max(...fit.outputs.filter((o) => o.dense).map((o) => o.shape?.[2] ?? 0));
}

/** The dense outputs a label-free teacher's student must produce. */
export function mimicOutputs(outputs: readonly TeacherOutput[]): MimicOutput[] {
  const activation = (o: TeacherOutput): MimicOutput['activation'] => (o.kind === 'sigmoid' ? 'sigmoid' : o.kind === 'softmax' ? 'softmax' : 'linear');
  return outputs.filter((o) => o.dense).map((o) => ({ name: o.name, shape: o.shape as number[], activation: activation(o) }));
}

/** Null when a student's outputs are the label-free teacher's dense outputs (same shapes, same order); else why not. */
export function mimicProblem(graph: ModelGraph, mimic: readonly MimicOutput[]): string | null {
  const got = outputShapes(graph);
  const show = (s: readonly (number | null)[] | null) => `[${(s ?? []).map((d) => d ?? 'N').join(',')}]`;
  const want = mimic.map((m) => [null, ...m.shape]);
  const same = got.length === want.length && got.every((g, i) => g && g.length === want[i].length && g.every((d, k) => k === 0 || d === want[i][k]));
  return same ? null : `its outputs ${got.map(show).join(', ')} are not the teacher's ${want.map(show).join(', ')}, which a student of a label-free teacher must produce`;
}
