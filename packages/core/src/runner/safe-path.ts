import { lstatSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '../errors';

/**
 * Names that become one path segment (run, stage and benchmark names): a letter or digit first,
 * then letters, digits, `_`, `.` and `-`. No `/`, no `..`, nothing hidden.
 */
export const SAFE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
const SAFE_NAME = new RegExp(SAFE_NAME_PATTERN);

/** True when `name` can be used as a single file or folder name. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= 128;
}

/** A path-safe name derived from free text (a plugin name like `math/gsm8k` -> `math-gsm8k`). */
export function toSafeName(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return cleaned || 'unnamed';
}

/**
 * Resolves `segments` under `root` for writing, refusing anything that would land outside it: a
 * segment that is not a safe name (`..`, `a/b`) or an existing symbolic link on the way (which could
 * point anywhere). `root` itself may be a link (the user chose it); nothing below it may be.
 */
export function resolveInside(root: string, ...segments: string[]): string {
  let current = path.resolve(root);
  for (const segment of segments) {
    if (!isSafeName(segment)) {
      throw new SrlError(
        'validation',
        `refusing the path segment ${JSON.stringify(segment)} under ${root}: names that become files must match ${SAFE_NAME_PATTERN} (no "/", no "..")`,
      );
    }
    current = path.join(current, segment);
    assertNotLink(current, root);
  }
  return current;
}

/** Throws when `file` (somewhere under `root`) is a symbolic link; a missing file is fine. */
export function assertNotLink(file: string, root: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(file).isSymbolicLink();
  } catch {
    return; // does not exist yet
  }
  if (isLink) {
    throw new SrlError(
      'runtime',
      `refusing to write through ${file}: it is a symbolic link, and srl writes only real files inside the run folder ${root}; remove the link and try again`,
    );
  }
}
