// YAML text helpers for hand-written pipeline files (hand-written so they can carry comments).
import { parse } from 'yaml';
import { yamlString } from '../core/escape.js';

const roundTrips = (text: string, value: string): boolean => {
  try {
    return (parse(`k: ${text}`) as { k: unknown }).k === value;
  } catch {
    return false;
  }
};

/**
 * One YAML scalar that parses back to exactly `value`: plain when YAML reads it back unchanged
 * (`docker push "$IMAGE:$TAG"`), else single-quoted (shell lines full of double quotes stay
 * readable), else double-quoted with escapes (control characters).
 */
export function scalar(value: string): string {
  if (value !== '' && !/^\s|\s$|[\n\r\t]|: |\s#|^[-?:,[\]{}#&*!|>'"%@`]/.test(value) && roundTrips(value, value)) return value;
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(value)) {
    const single = `'${value.replace(/'/g, "''")}'`;
    if (roundTrips(single, value)) return single;
  }
  return yamlString(value);
}

/** `- item` lines at the given indent. */
export const list = (items: readonly string[], indent: string): string => items.map((i) => `${indent}- ${scalar(i)}`).join('\n');

/** Comment lines (`# ...`) at the given indent; blank entries become a bare `#`. */
export const comment = (lines: readonly string[], indent = ''): string => lines.map((l) => (l ? `${indent}# ${l}` : `${indent}#`)).join('\n');
