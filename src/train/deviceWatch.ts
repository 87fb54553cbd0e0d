// Watches the webgpu backend's GPUDevice for loss (driver reset, another tab's crash, or
// `device.destroy()`), so a run can leave the dead device instead of hanging on a read.
import * as tf from '@tensorflow/tfjs';

export interface DeviceLoss {
  readonly reason: string;
  readonly message: string;
}

/** The step (or read) was abandoned because the GPU device was lost. */
export class DeviceLostError extends Error {
  constructor(readonly loss: DeviceLoss) {
    super(`the WebGPU device was lost (${loss.reason}${loss.message ? `: ${loss.message}` : ''})`);
  }
}

/** The GPUDevice of the active backend when it is webgpu, else null. */
export function activeGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  return device ?? null;
}

export class DeviceWatch {
  /** Set once the watched device is lost. */
  loss: DeviceLoss | null = null;
  private lostPromise: Promise<DeviceLoss> = new Promise(() => {});
  private device: GPUDevice | null = null;

  /** Watches the active backend's device (nothing to watch on webgl or cpu). */
  arm(): void {
    this.loss = null;
    this.device = activeGpuDevice();
    const device = this.device;
    if (!device) {
      this.lostPromise = new Promise(() => {});
      return;
    }
    this.lostPromise = device.lost.then((info) => {
      const loss = { reason: info.reason ?? 'unknown', message: info.message ?? '' };
      if (this.device === device) this.loss = loss;
      return loss;
    });
  }

  get watching(): boolean {
    return this.device !== null;
  }

  /** Resolves when the watched device is lost (never, when none is watched). */
  get lost(): Promise<DeviceLoss> {
    return this.lostPromise;
  }

  /**
   * `work`, or a DeviceLostError as soon as the device is lost: a read on a dead device may
   * never settle. The abandoned work's late rejection is swallowed.
   */
  async guard<T>(work: Promise<T>): Promise<T> {
    if (!this.device) return work;
    if (this.loss) {
      work.catch(() => {});
      throw new DeviceLostError(this.loss);
    }
    return Promise.race([
      work,
      this.lostPromise.then((loss) => {
        work.catch(() => {});
        throw new DeviceLostError(loss);
      }),
    ]);
  }

  /** After an error: was it the device? Waits briefly for the loss event, which can trail the error. */
  async explains(err: unknown, waitMs = 1000): Promise<DeviceLoss | null> {
    if (err instanceof DeviceLostError) return err.loss;
    if (!this.device) return null;
    if (this.loss) return this.loss;
    return Promise.race([this.lostPromise, new Promise<null>((r) => setTimeout(() => r(null), waitMs))]);
  }

  /** Debug/test hook: destroys the watched device, as a driver reset would. */
  destroy(): boolean {
    if (!this.device) return false;
    this.device.destroy();
    return true;
  }
}
