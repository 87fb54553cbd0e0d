import { expect, it } from 'vitest';
import { stubEngineHost } from './stubEngineHost';

it('a command the stub session has no method for fails through the real dispatcher, naming it', async () => {
  const { host, engines } = stubEngineHost();
  const engine = host.get();
  await expect(engine.runState()).resolves.toMatchObject({ running: false });
  // As a command newly added to the contract would be: no stub method.
  Object.assign(engines[0], { runState: undefined });
  await expect(engine.runState()).rejects.toThrow("the store tests' stub session has no handler for 'runState'");
});
