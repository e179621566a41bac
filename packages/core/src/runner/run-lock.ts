import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { SrlError } from '../errors';

interface LockRecord {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock on a run folder: `run.lock` created with O_EXCL, holding the owner's pid. A lock
 * whose process is gone (kill -9, power loss) is stale and taken over; a live one is refused with
 * its pid. Released by `release()` and, as a last resort, when the process exits.
 */
export class RunLock {
  private held = false;
  private readonly onExit = (): void => this.release();

  private constructor(readonly file: string) {}

  /** Takes the lock or throws SrlError('usage') naming the process that holds it. */
  static acquire(file: string): RunLock {
    const lock = new RunLock(file);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        const record: LockRecord = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
        writeSync(fd, `${JSON.stringify(record)}\n`);
        closeSync(fd);
        lock.held = true;
        process.once('exit', lock.onExit);
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder && (holder.host !== hostname() || alive(holder.pid))) {
        const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
        throw new SrlError(
          'usage',
          `run folder is in use: ${file} is held by srl process ${holder.pid}${where} (since ${holder.started}); wait for it to finish or stop it (kill ${holder.pid}). If that process is gone, delete ${file}`,
        );
      }
      // Stale (its process is gone) or unreadable (a crash while writing it): take it over.
      rmSync(file, { force: true });
    }
    throw new SrlError('runtime', `could not take the run lock ${file}: another process keeps creating it`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.onExit);
    const holder = readHolder(this.file);
    if (holder?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
    return typeof record.pid === 'number' ? record : null;
  } catch {
    return null;
  }
}
