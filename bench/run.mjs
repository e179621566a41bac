#!/usr/bin/env node
// `pnpm bench <name> [args...]`: runs bench/<name>.ts (TypeScript, on sources) with tsx.
// Benchmarks run their reference (CPython, PyTorch) in the same run and print the ratio last.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(path.join(here, `${name}.ts`))) {
  console.error(`usage: pnpm bench <name> [args]; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const tsx = path.join(here, '..', 'node_modules', '.bin', 'tsx');
const result = spawnSync(tsx, ['--conditions=source', path.join(here, `${name}.ts`), ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
