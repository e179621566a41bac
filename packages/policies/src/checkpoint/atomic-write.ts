/**
 * Atomic file and folder writes: write to `<file>.tmp-<pid>-<rand>` in the same folder, fsync it, rename it over the target,
 * then fsync the folder so the rename itself survives a crash. A reader sees either the old file or the new one,
 * never a partial write.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
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

/**
 * Atomically create or replace the folder `target`: `write(tmpDir)` fills a fresh temp folder beside it, every file
 * in it is fsynced, then the temp folder is renamed into place. An existing `target` is first renamed to
 * `<target>.old-<pid>-<rand>` and removed after the swap; a crash between those two renames leaves the previous
 * version there (see `findInterruptedSave`). If `write` throws, the temp folder is removed and `target` is untouched.
 */
export function writeDirAtomic(target: string, write: (tmpDir: string) => void): void {
  const parent = path.dirname(path.resolve(target));
  if (!existsSync(parent)) throw new SrlError('runtime', `cannot save ${target}: its parent folder ${parent} does not exist`);
  const tmp = tempPathBeside(target);
  try {
    mkdirSync(tmp);
    write(tmp);
    for (const entry of readdirSync(tmp, { withFileTypes: true })) {
      if (entry.isFile()) fsyncFile(path.join(tmp, entry.name));
    }
    fsyncDir(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  if (!existsSync(target)) {
    renameSync(tmp, target);
    fsyncDir(parent);
    return;
  }
  const old = `${path.resolve(target)}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (error) {
    renameSync(old, target);
    rmSync(tmp, { recursive: true, force: true });
    throw new SrlError('runtime', `could not move the new ${target} into place: ${(error as Error).message}`, { cause: error });
  }
  fsyncDir(parent);
  rmSync(old, { recursive: true, force: true });
}

/** A `<target>.old-*` folder left by a save interrupted between its two renames, or null. */
export function findInterruptedSave(target: string): string | null {
  const dir = path.dirname(path.resolve(target));
  const prefix = `${path.basename(target)}.old-`;
  if (!existsSync(dir)) return null;
  const found = readdirSync(dir).filter((name) => name.startsWith(prefix));
  return found.length > 0 ? path.join(dir, found.sort()[found.length - 1]) : null;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
