import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Every recipe file under examples/ (any *.recipe.yaml|json or recipe.yaml|json). */
function recipes(dir = examples): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(file).isDirectory()) return recipes(file);
    return /(^|\.)recipe\.(ya?ml|json)$/.test(name) ? [file] : [];
  });
}

async function validate(file: string): Promise<{ code: number; err: string }> {
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(['validate', file], { write: (s: string) => ((err += s), true) } as NodeJS.WritableStream);
    return { code, err };
  } finally {
    process.stdout.write = write;
  }
}

describe('example recipes', () => {
  const files = recipes();
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(3));

  it.each(files.map((f) => [path.relative(examples, f), f]))('%s validates', async (_name, file) => {
    const { code, err } = await validate(file);
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('a copy with an unknown top-level key and wrong-typed numbers is refused with exit 2, every error with its path', async () => {
    const source = files.find((f) => f.includes(`quickstart${path.sep}`))!;
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-recipe-'));
    cpSync(path.dirname(source), dir, { recursive: true, filter: (p) => !p.includes('node_modules') });
    const copy = path.join(dir, path.basename(source));
    const recipe = parse(readFileSync(source, 'utf8'));
    recipe.colour = 'blue';
    recipe.seed = 'seven';
    recipe.stages[1][1].groupSize = 'eight';
    recipe.stages[1][1].batchSize = 0;
    writeFileSync(copy, stringify(recipe));
    const { code, err } = await validate(copy);
    expect(code).toBe(2);
    expect(err).toContain('colour: unknown key');
    expect(err).toContain('seed: must be integer (found "seven")');
    expect(err).toContain('stages[1].options.groupSize: must be integer (found "eight")');
    expect(err).toContain('stages[1].options.batchSize: must be >= 1 (found 0)');
    expect(err).toMatch(/invalid \(4 problems\)/);
  });
});
