/** --output json: one JSON object per event per line. */
import type { EngineEvent } from '../engine/events.js';

export function jsonView(write: (s: string) => void) {
  return (e: EngineEvent): void => write(JSON.stringify(e) + '\n');
}
