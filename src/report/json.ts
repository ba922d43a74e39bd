/** --output json: one JSON object per event per line. */
import type { EngineEvent } from '../engine/events.js';
import { jsonText } from '../util/pyfloat.js';

export function jsonView(write: (s: string) => void) {
  return (e: EngineEvent): void => write(jsonText(e) + '\n');
}
