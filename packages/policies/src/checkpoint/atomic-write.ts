/**
 * Atomic file writes: write to `<file>.tmp-<pid>-<rand>` in the same folder, fsync it, rename it over the target,
 * then fsync the folder so the rename itself survives a crash. A reader sees either the old file or the new one,
 * never a partial write.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SrlError } from '@srl/core';

/** A unique temp path beside `target` (same folder, so rename stays on one file system). */
export function tempPathBeside(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** fsync a folder (makes a rename inside it durable). A no-op where the platform cannot open folders (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Write `chunks` (in order) to a new file at `file` and fsync it. Throws if it cannot. */
export function writeAndSync(file: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(file, 'wx');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Atomically replace `target` with `data` (bytes, or text written as UTF-8). On failure the temp file is
 * removed, the old `target` (if any) is left untouched, and an SrlError of kind 'runtime' is thrown.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  const tmp = tempPathBeside(target);
  try {
    writeAndSync(tmp, chunks);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new SrlError('runtime', `could not write ${target} atomically: ${(error as Error).message}`, { cause: error });
  }
  fsyncDir(path.dirname(target));
}
