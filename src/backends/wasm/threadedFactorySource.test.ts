import { expect, it } from 'vitest';
import threadedSource from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';
import { factoryExpression } from './threadedFactorySource';

it('cuts the factory expression out of the package file, self-contained', () => {
  const expression = factoryExpression(threadedSource);
  expect(expression.startsWith('(() => {')).toBe(true);
  expect(expression).not.toMatch(/module\.exports/);
  // What a pthread worker evaluates: it must define the factory without any outer name.
  const factory = new Function(`var WasmBackendModuleThreadedSimd = ${expression}; return WasmBackendModuleThreadedSimd;`)();
  expect(typeof factory).toBe('function');
});

it('refuses a file of another layout', () => {
  expect(() => factoryExpression('module.exports = function () {}')).toThrow(/unexpected layout/);
});
