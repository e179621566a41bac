import { Writable } from 'node:stream';
import type { Logger } from '@srl/core';
import { main } from '../src/main';

/** Runs the CLI in-process; captures stdout and stderr. */
export async function srl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args, new Writable({ write: (chunk, _e, cb) => ((err += String(chunk)), cb()) }));
    return { code, out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

/** A logger that drops everything. */
export const quietLogger: Logger = { log: () => {}, metrics: () => {}, progress: () => {} };
