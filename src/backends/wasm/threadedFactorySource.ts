// tfjs-backend-wasm starts its pthread workers from a Blob holding
// `var WasmBackendModuleThreadedSimd = ` + factory.toString(). After a minifier has renamed the
// factory's closure variable `_scriptDir`, that text refers to a name the worker does not have
// ("ReferenceError: e is not defined": the threaded build crashed the training worker). So the
// factory's toString() gives back the package's own, unminified expression instead.
import * as threadedModule from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedSource from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

const PREFIX = 'var WasmBackendModuleThreadedSimd = ';
const SUFFIX = '\nif (typeof exports';

/** The factory expression in the package's file: between the `var … =` and the CommonJS export. */
export function factoryExpression(source: string): string {
  const start = source.indexOf(PREFIX);
  const end = source.indexOf(SUFFIX);
  if (start < 0 || end < start) throw new Error('tfjs-backend-wasm: unexpected layout of the threaded build');
  return source.slice(start + PREFIX.length, end).trim().replace(/;$/, '');
}

/** Call before the wasm backend initialises. */
export function keepThreadedFactorySource(): void {
  const exported = threadedModule as unknown as { default?: unknown };
  const factory = (exported.default ?? exported) as { toString(): string };
  const expression = factoryExpression(threadedSource);
  Object.defineProperty(factory, 'toString', { value: () => expression, configurable: true });
}
