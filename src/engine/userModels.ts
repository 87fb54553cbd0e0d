// A user's own teacher or student (bring your own model): the files sent, and what the engine read from them.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { ModelFileData, ModelRole } from '../byo/files';
import type { InputLayout, InputPlan, InputRange, TeacherOutput } from '../byo/teacherIo';
import type { DemoLoaded, ModelCard } from './models';
import type { EngineWarning } from './warnings';

export type { ModelFileData, ModelRole } from '../byo/files';
export type { InputLayout, InputPlan, InputRange, TeacherOutput } from '../byo/teacherIo';

/** A user's model for one role: its files, where they came from, and optionally the tap layer. */
export interface UserModelFiles {
  readonly files: readonly ModelFileData[];
  /** Folder, file or URL the user gave, for the card and the messages. */
  readonly label: string;
  /** Tap layer (or graph node); the suggested one when absent. */
  readonly tap?: string;
  /** The input's value range and layout (graph models), when not the ones read from the model. */
  readonly input?: { readonly range?: InputRange; readonly layout?: InputLayout };
}

export interface LoadModelsRequest {
  readonly teacher?: UserModelFiles;
  readonly student?: UserModelFiles;
  /** The data the models are checked against and trained on: the digit demo's (default) or the loaded custom dataset. */
  readonly data?: 'demo' | 'custom';
}

/** One layer (or graph node) of a loaded model, for the layer list and the tap picker. */
export interface LayerRowData {
  readonly name: string;
  readonly kind: string;
  readonly shape: readonly (number | null)[] | null;
  readonly stride: number | null;
  /** Null when it can be the tap; else why not. */
  readonly notTap: string | null;
}

export interface UserModelInfo {
  readonly role: ModelRole;
  readonly label: string;
  /** How it came in: a TF.js layers or graph model, or an .onnx (converted to a layers model). */
  readonly format: 'layers-model' | 'graph-model' | 'onnx';
  readonly layers: readonly LayerRowData[];
  readonly tap: string;
  /** Why this tap: suggested (and by which rule) or chosen. */
  readonly tapWhy: string;
  /** A teacher's outputs and how each is used (compared and imitated, or left out). */
  readonly outputs?: readonly TeacherOutput[];
  /** A graph teacher's input: side, layout and value range, read or asked, with the reasons. */
  readonly input?: InputPlan;
}

/** After loading user models (or changing a tap): both cards, the layer lists, and how they fit. */
export interface ModelsLoaded {
  readonly teacher: ModelCard;
  readonly student: ModelCard;
  readonly tokens: DemoLoaded['tokens'];
  readonly user: { readonly teacher: UserModelInfo | null; readonly student: UserModelInfo | null };
  /** Square input side the demo scenes are now generated at. */
  readonly inputSize: number;
  /** The align module sized from the two taps, in words, e.g. "1×1 conv 16→32, bilinear 8×8→16×16". */
  readonly align: string;
  readonly warnings: readonly EngineWarning[];
  /**
   * Why no labels fit the teacher (its outputs are not the data's labels, or the data has none):
   * stage 1 then learns from the teacher's own output and stage 2 distils into a built-in student
   * that produces the teacher's outputs. Null when the labels fit.
   */
  readonly labelFree: string | null;
}
