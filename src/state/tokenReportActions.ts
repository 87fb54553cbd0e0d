// Measuring what each token attends to over the validation scenes (the engine's tokenReport).
import { errorText } from '../errorText';
import { currentEngine } from './actions';
import { store } from './store';

/** Asks the engine for the report of the tokens the gallery shows; a paused run may be measured, a running one not. */
export async function measureTokens(): Promise<void> {
  const s = store();
  if (s.tokenReportPhase === 'measuring') return;
  if (s.runPhase === 'running' || s.runPhase === 'stopping') {
    s.pushMessage('Cannot measure the tokens while a run trains: pause or stop it first.', 'warn');
    return;
  }
  const epoch = s.snapshotEpoch;
  s.tokenReportMeasuring();
  try {
    const report = await currentEngine().tokenReport();
    store().tokenReportReceived(report, epoch);
  } catch (err) {
    store().tokenReportFailed(errorText(err));
    store().pushMessage(`Could not measure the tokens: ${errorText(err)}`, 'error');
  }
}
