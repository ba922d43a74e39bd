/**
 * Limits that keep hostile or broken input from running for ever (docs/cli.md, "Limits"). Each
 * is reported as a KbsError with the position where it was exceeded, before any host is touched
 * (the include depth: when the include runs).
 */
import { KbsError } from '../errors.js';

/** largest YAML file read (bytes); `--max-yaml-size` or KBS_MAX_YAML_SIZE change it */
export const DEFAULT_MAX_YAML_BYTES = 4 * 1024 * 1024;
/** deepest nesting of mappings and lists in a YAML document */
export const MAX_YAML_DEPTH = 200;
/** most host names one inventory name with ranges (node[0:99]) may expand to */
export const MAX_RANGE_HOSTS = 100_000;
/** deepest nesting of include_tasks / include_role at run time */
export const MAX_INCLUDE_DEPTH = 100;

let maxYamlBytes: number | undefined;

/** The YAML size limit in bytes: set by the CLI option, else KBS_MAX_YAML_SIZE, else the default. */
export function maxYamlSize(): number {
  if (maxYamlBytes !== undefined) return maxYamlBytes;
  const env = process.env.KBS_MAX_YAML_SIZE;
  return env ? parseSize(env, 'KBS_MAX_YAML_SIZE') : DEFAULT_MAX_YAML_BYTES;
}

export function setMaxYamlSize(text: string | undefined): void {
  maxYamlBytes = text === undefined ? undefined : parseSize(text, '--max-yaml-size');
}

/** "1048576", "512k", "64M", "1G" (powers of 1024) -> bytes */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new KbsError('USAGE', `${what} must be a size such as 16M, 512k or a number of bytes, got "${text}"`);
  }
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}M`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}k`;
  return `${bytes} bytes`;
}
