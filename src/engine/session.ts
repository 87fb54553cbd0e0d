// The session itself: how Auto starts the backend, and the worker's TensorFlow.js memory.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { Task } from '../models/nets';

/** Auto's calibration: the demo whose step is timed, and whether to measure again. */
export interface AutoOptions {
  readonly task?: Task;
  readonly remeasure?: boolean;
}

/** The worker's TensorFlow.js memory (tf.memory()): what tests compare before and after a refused import. */
export interface EngineMemory {
  readonly numTensors: number;
  readonly numBytes: number;
}
