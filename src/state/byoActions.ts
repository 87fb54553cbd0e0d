// Actions for bring-your-own-model: files from a drop, the file dialog or a URL go to the
// engine; a refusal becomes a message naming the file and the problem, and the models loaded
// before stay (the engine only swaps on success).
import { filesFromDrop, filesFromInput, groupByRole, toModelFiles, type Grouped, type PathFile } from '../byo/dropFiles';
import { checkModelFileSizes } from '../byo/modelFiles';
import { fetchModelFiles } from '../byo/modelUrl';
import type { InputLayout, InputRange, LoadModelsRequest, ModelRole, ModelsLoaded } from '../engine/userModels';
import { currentEngine } from './actions';
import { pushWarnings } from './messages';
import { store } from './store';
import { errorText } from '../errorText';

function idle(what: string): boolean {
  if (store().runPhase === 'idle' && store().demoPhase === 'ready') return true;
  store().pushMessage(`Cannot ${what} now: ${store().runPhase !== 'idle' ? 'stop the run first' : 'wait until the demo has loaded'}.`, 'warn');
  return false;
}

function applied(result: ModelsLoaded, teacherChanged: boolean): void {
  if (teacherChanged) store().clearSnapshots();
  store().demoLoaded({ teacher: result.teacher, student: result.student, tokens: result.tokens, warnings: result.warnings, snapshot: null });
  store().byoLoaded(result);
  pushWarnings(store().pushMessage, result.warnings);
}

/** With a custom dataset loaded and picked, models are checked against its labels and run on it. */
function dataFor(): LoadModelsRequest['data'] {
  return store().dataMode === 'custom' && store().dataset ? 'custom' : 'demo';
}

async function send(request: LoadModelsRequest, who: ModelRole | 'both'): Promise<boolean> {
  store().byoLoading(who);
  const data = dataFor();
  try {
    applied(await currentEngine().loadModels({ ...request, data }), !!request.teacher);
    if (data === 'custom') store().setCustomTeacher(true);
    return true;
  } catch (err) {
    store().pushMessage(`Could not load the ${who === 'both' ? 'models' : who}: ${errorText(err)}`, 'error', 'model-file');
    return false;
  } finally {
    store().byoDone();
  }
}

async function sendGroups(groups: Grouped<PathFile>): Promise<boolean> {
  const who = groups.teacher && groups.student ? 'both' : groups.teacher ? 'teacher' : 'student';
  // Sizes first, from File.size: nothing is read when a file or the drop is over its limit.
  try {
    for (const role of ['teacher', 'student'] as const) {
      const g = groups[role];
      if (g) checkModelFileSizes(g.files.map((f) => ({ name: f.path, size: f.file.size })));
    }
  } catch (err) {
    store().pushMessage(`Could not load the ${who === 'both' ? 'models' : who}: ${errorText(err)}`, 'error', 'model-file');
    return false;
  }
  const request: { teacher?: LoadModelsRequest['teacher']; student?: LoadModelsRequest['student'] } = {};
  for (const role of ['teacher', 'student'] as const) {
    const g = groups[role];
    if (g) request[role] = { files: await toModelFiles(g.files), label: g.label };
  }
  return send(request, who);
}

/** A drop on a card (`target`) or anywhere on the page (null: roles from folder names). */
export async function loadDropped(dt: DataTransfer, target: ModelRole | null): Promise<boolean> {
  if (!idle('load models')) return false;
  let groups: Grouped<PathFile>;
  try {
    groups = groupByRole(await filesFromDrop(dt), target);
  } catch (err) {
    store().pushMessage(`Could not load the ${target ?? 'models'}: ${errorText(err)}`, 'error', 'model-file');
    return false;
  }
  return sendGroups(groups);
}

/** Files (or a folder) picked in the file dialog for `role`. */
export async function loadPicked(list: FileList | null, role: ModelRole): Promise<boolean> {
  if (!idle('load models')) return false;
  let groups: Grouped<PathFile>;
  try {
    groups = groupByRole(filesFromInput(list), role);
  } catch (err) {
    store().pushMessage(`Could not load the ${role}: ${errorText(err)}`, 'error', 'model-file');
    return false;
  }
  return sendGroups(groups);
}

/**
 * model.json at a URL with its shards, or an .onnx with its external data (only on the user's
 * explicit request): those only from the model file's folder on its origin, counted and sized by
 * its manifest or its tensors, within the fetch timeout; the Abort button stops it.
 */
export async function loadFromUrl(url: string, role: ModelRole): Promise<boolean> {
  if (!idle('load models')) return false;
  store().byoLoading(role);
  const abort = new AbortController();
  store().byoFetching(abort);
  let fetched: Awaited<ReturnType<typeof fetchModelFiles>>;
  try {
    fetched = await fetchModelFiles(url.trim(), { signal: abort.signal });
  } catch (err) {
    store().byoDone();
    store().pushMessage(`Could not load the ${role}: ${errorText(err)}`, 'error', 'model-file');
    return false;
  } finally {
    store().byoFetching(null);
  }
  return send({ [role]: { files: fetched.files, label: fetched.label } }, role);
}

/** Stops the check of a dropped or fetched model in its probe worker: the load fails and nothing changes. */
export function cancelModelProbe(): void {
  void currentEngine().cancelModelProbe();
}

/** Stops the model URL fetch in progress. */
export function abortModelFetch(): void {
  store().byoFetch?.abort();
}

/** Loads the user's graph teacher again with another input value range or layout. */
export async function setTeacherInput(input: { range?: InputRange; layout?: InputLayout }): Promise<boolean> {
  if (!idle('change the teacher’s input')) return false;
  store().byoLoading('teacher');
  try {
    applied(await currentEngine().setTeacherInput(input), true);
    return true;
  } catch (err) {
    store().pushMessage(`Could not load the teacher with that input: ${errorText(err)}`, 'error', 'model-file');
    return false;
  } finally {
    store().byoDone();
  }
}

/** Splits a loaded user model at another layer. */
export async function chooseTap(role: ModelRole, layer: string): Promise<boolean> {
  if (!idle('change the tap layer')) return false;
  store().byoLoading(role);
  try {
    applied(await currentEngine().setTap(role, layer), role === 'teacher');
    return true;
  } catch (err) {
    store().pushMessage(`Could not use layer "${layer}" as the ${role}'s tap: ${errorText(err)}`, 'error', 'model-file');
    return false;
  } finally {
    store().byoDone();
  }
}
