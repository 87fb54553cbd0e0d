// The user's own models on a custom dataset: checked against the dataset's labels and input size,
// trained and evaluated on its images. Built like the digit-demo case (userModels.ts), from a
// starting point on the dataset: the current demo when it already runs on it (a teacher trained
// there, or user models loaded for it), else one with a fresh built-in student for its labels.
import * as tf from '@tensorflow/tfjs';
import { disposeModel } from '../models/disposeModel';
import { buildStudent } from '../models/nets';
import type { DataSource } from './dataSource';
import { demoOnSource, type Demo } from './demo';
import type { LoadModelsRequest } from '../engine/userModels';
import { reseedKernels } from './seededInit';
import { buildUserDemo, type BuildContext, type UserDemo } from './userModels';
import { releaseUserTeacher } from './userModelParts';

function datasetContext(source: DataSource, seed: number): BuildContext {
  const side = source.inputShape[0];
  return {
    seed,
    numClasses: source.numClasses,
    labelled: source.labelled,
    dataName: source.labelled ? `${source.task} dataset` : 'images-only dataset',
    dataForSize: (size) => {
      throw new Error(
        `takes ${size}×${size} images and the dataset is loaded at ${side}×${side}: set the dataset card's input size to ${size}, load the dataset again, then this model`,
      );
    },
  };
}

export async function buildUserDemoOnDataset(current: Demo, source: DataSource, req: LoadModelsRequest, seed: number): Promise<UserDemo> {
  const ctx = datasetContext(source, seed);
  if (current.source === source) return buildUserDemo(current, req, ctx);
  if (!req.teacher) {
    throw new Error(
      `the teacher in use was not made for this ${source.task} dataset: load your teacher with the student, or train one on the dataset (Train teacher) first`,
    );
  }
  // A placeholder until buildUserDemo puts the right one in (an images-only dataset's teacher brings its own kind of student).
  const student = buildStudent(source.task, { inputShape: source.inputShape, numClasses: source.labelled ? source.numClasses : 2 });
  reseedKernels(student, seed);
  // The current teacher only holds the place until buildUserDemo puts the user's in it.
  const start = demoOnSource(source, current.teacher, current.teacherSplit, student);
  let built: UserDemo;
  try {
    built = await buildUserDemo(start, req, ctx);
  } catch (err) {
    disposeModel(student);
    throw err;
  }
  return {
    ...built,
    disposeOld: () => {
      // The current teacher (and a loaded student in place of the fresh one) go with `start`.
      built.disposeOld();
      releaseUserTeacher(current.user?.teacher);
      disposeModel(current.student);
      current.tokens?.dispose();
      current.branch?.dispose();
      if (current.bestStudent) tf.dispose(current.bestStudent);
    },
  };
}
