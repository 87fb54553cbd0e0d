// The events the engine sends on its own, declared once. Each entry is an event's payload (the
// parameter's type) and the value its callback is called with: a run's events (`run: true`, with
// their request's id) go to the handlers the run's caller passed, the others to the session's
// listeners; callbacks are named `on<Event>`. The wire format, RunHandlers, EngineListeners and the
// client's routing are all derived from this table.
import type { BackendName, BackendStatus, BackendTiming } from '../backends/types';
import type { MaskSnapshot, PauseInfo, RunProgress } from './progress';
import type { CompareRow } from './runResults';
import type { DatasetLoadProgress } from './datasets';
import type { EngineWarning } from './warnings';
import type { ProbeProgress } from './modelProbe';

const runEvent = <P extends { readonly id: number }, V>(value: (payload: P) => V) => ({ run: true as const, value });
const sessionEvent = <P, V>(value: (payload: P) => V) => ({ run: false as const, value });

export const EVENTS = {
  progress: runEvent((e: { readonly id: number; readonly progress: RunProgress }) => e.progress),
  snapshot: runEvent((e: { readonly id: number; readonly snapshot: MaskSnapshot }) => e.snapshot),
  /** One finished method of a comparison, in order. */
  compareRow: runEvent((e: { readonly id: number; readonly row: CompareRow }) => e.row),
  /** The loop paused or resumed (by the user, or on a non-finite loss with `reason`). */
  pauseState: sessionEvent((e: { readonly info: PauseInfo }) => e.info),
  /** Said once, with its kind, so the page never guesses it from the words. */
  warning: sessionEvent((e: { readonly warning: EngineWarning }) => e.warning),
  /** The engine moved to another backend mid-session (the WebGPU device was lost). */
  backendChanged: sessionEvent((e: { readonly status: BackendStatus; readonly reason: string }) => e),
  /** Auto's calibration under way: the figures so far and the backend being timed (null: done). */
  calibrating: sessionEvent((e: { readonly timings: readonly BackendTiming[]; readonly measuring: BackendName | null }) => e),
  /** A dropped or fetched model being checked in its throwaway worker (null: the check is over). */
  modelProbe: sessionEvent((e: { readonly progress: ProbeProgress | null }) => e.progress),
  /** A dataset load decoding its images: how many of how many (null: the load is over). */
  datasetLoad: sessionEvent((e: { readonly progress: DatasetLoadProgress | null }) => e.progress),
  /** An engine error tied to no request (a failed move off a lost device, a crashed worker). */
  error: sessionEvent((e: { readonly message: string }) => e.message),
};

type Events = typeof EVENTS;
export type EventName = keyof Events;
export type EventMap = { [K in EventName]: Parameters<Events[K]['value']>[0] };
export type EngineEvent = { [K in EventName]: { readonly type: K } & EventMap[K] }[EventName];
export type RunEventName = { [K in EventName]: Events[K]['run'] extends true ? K : never }[EventName];
export type SessionEventName = Exclude<EventName, RunEventName>;

/** What an event's callback is called with. */
export type EventValue<K extends EventName> = ReturnType<Events[K]['value']>;
export type CallbackName<K extends EventName> = `on${Capitalize<K>}`;
type Callback<K extends EventName> = (value: EventValue<K>) => void;

/** Where a run's own events go on the page (or in a script). */
export type RunHandlers = { [K in RunEventName as CallbackName<K>]?: Callback<K> };
/** The session's listeners: one per event that is not a run's. */
export type EngineListeners = { [K in SessionEventName as CallbackName<K>]: Callback<K> };

export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export const SESSION_EVENT_NAMES = EVENT_NAMES.filter((k): k is SessionEventName => !EVENTS[k].run);

export const callbackName = <K extends EventName>(event: K): CallbackName<K> => `on${event[0].toUpperCase()}${event.slice(1)}` as CallbackName<K>;

/** Listeners that do nothing, one per session event (what a client starts with). */
export function silentListeners(): EngineListeners {
  return Object.fromEntries(SESSION_EVENT_NAMES.map((k) => [callbackName(k), () => {}])) as unknown as EngineListeners;
}

/** Calls the callback an event goes to: its run's handler (`handlersOf` its request id) or the session's listener. */
export function routeEvent(ev: EngineEvent, listeners: EngineListeners, handlersOf: (id: number) => RunHandlers | undefined): void {
  const route = EVENTS[ev.type];
  const target = route.run ? handlersOf((ev as { readonly id: number }).id) : listeners;
  const callback = (target as Record<string, ((value: unknown) => void) | undefined> | undefined)?.[callbackName(ev.type)];
  callback?.(route.value(ev as never));
}
