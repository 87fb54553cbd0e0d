import type { StateCreator } from 'zustand';
import type { TokenReport } from '../engine/tokens';

export type TokenReportPhase = 'idle' | 'measuring' | 'failed';

export interface TokenReportSlice {
  tokenReport: TokenReport | null;
  /** The gallery's snapshotEpoch when the report was measured: a later clear (a run, other tokens) makes it stale. */
  tokenReportEpoch: number;
  tokenReportPhase: TokenReportPhase;
  tokenReportError: string | null;
  tokenReportMeasuring: () => void;
  tokenReportReceived: (report: TokenReport, epoch: number) => void;
  tokenReportFailed: (message: string) => void;
}

export const createTokenReportSlice: StateCreator<TokenReportSlice, [], [], TokenReportSlice> = (set) => ({
  tokenReport: null,
  tokenReportEpoch: -1,
  tokenReportPhase: 'idle',
  tokenReportError: null,
  tokenReportMeasuring: () => set({ tokenReportPhase: 'measuring', tokenReportError: null }),
  tokenReportReceived: (tokenReport, tokenReportEpoch) => set({ tokenReport, tokenReportEpoch, tokenReportPhase: 'idle', tokenReportError: null }),
  tokenReportFailed: (message) => set({ tokenReportPhase: 'failed', tokenReportError: message }),
});

/** The report when it still describes the tokens the gallery shows. */
export function currentTokenReport(s: Pick<TokenReportSlice, 'tokenReport' | 'tokenReportEpoch'> & { snapshotEpoch: number }): TokenReport | null {
  return s.tokenReport && s.tokenReportEpoch === s.snapshotEpoch ? s.tokenReport : null;
}
