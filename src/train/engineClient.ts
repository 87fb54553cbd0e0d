// Page-side handle on the training worker: sends commands, turns replies into promises and
// progress callbacks. Holds no tensors.
import type { BackendName, BackendStatus } from './backend';
import type { Task } from '../models/nets';
import type { EngineCommand, EngineEvent, ModelArtifactsData, NamedArray, StepProfile, TrainProgress, TrainTeacherRequest } from './protocol';

export interface TeacherResult {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly stopped: boolean;
}

interface Pending {
  resolve(result: TeacherResult): void;
  reject(err: Error): void;
  onProgress?: (p: TrainProgress) => void;
}

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly profiles = new Map<number, { resolve(p: StepProfile): void; reject(e: Error): void }>();
  private readyWaiter: { resolve(s: BackendStatus): void; reject(e: Error): void } | null = null;
  terminated = false;
  /** Engine errors not tied to a request (e.g. a failed init). */
  onError: (message: string) => void = () => {};

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'maskd-engine' });
    this.worker.onmessage = (e: MessageEvent<EngineEvent>) => this.receive(e.data);
    this.worker.onerror = (e) => this.failAll(`the training worker crashed: ${e.message}`);
  }

  init(dataUrl: string, backends?: readonly BackendName[]): Promise<BackendStatus> {
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.send({ type: 'init', dataUrl, backends });
    });
  }

  trainTeacher(request: TrainTeacherRequest, onProgress?: (p: TrainProgress) => void): Promise<TeacherResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.send({ type: 'trainTeacher', id, request });
    });
  }

  profileStep(request: { task: Task; batchSize: number }): Promise<StepProfile> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.profiles.set(id, { resolve, reject });
      this.send({ type: 'profileStep', id, ...request });
    });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.failAll('the engine was shut down');
  }

  private send(cmd: EngineCommand, transfer: Transferable[] = []): void {
    this.worker.postMessage(cmd, transfer);
  }

  private receive(ev: EngineEvent): void {
    switch (ev.type) {
      case 'ready':
        this.readyWaiter?.resolve(ev.status);
        this.readyWaiter = null;
        return;
      case 'progress':
        this.pending.get(ev.progress.id)?.onProgress?.(ev.progress);
        return;
      case 'teacherDone': {
        const p = this.pending.get(ev.id);
        this.pending.delete(ev.id);
        p?.resolve({ artifacts: ev.artifacts, optimizer: ev.optimizer, step: ev.step, metric: ev.metric, stopped: ev.stopped });
        return;
      }
      case 'profile':
        this.profiles.get(ev.id)?.resolve(ev.profile);
        this.profiles.delete(ev.id);
        return;
      case 'error': {
        if (ev.id !== undefined && this.profiles.has(ev.id)) {
          this.profiles.get(ev.id)!.reject(new Error(ev.message));
          this.profiles.delete(ev.id);
        } else if (ev.id !== undefined && this.pending.has(ev.id)) {
          this.pending.get(ev.id)!.reject(new Error(ev.message));
          this.pending.delete(ev.id);
        } else if (this.readyWaiter) {
          this.readyWaiter.reject(new Error(ev.message));
          this.readyWaiter = null;
        } else {
          this.onError(ev.message);
        }
        return;
      }
    }
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    this.readyWaiter?.reject(new Error(message));
    this.readyWaiter = null;
  }
}
