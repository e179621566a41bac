// Issue 13's acceptance check from a user's side: `srl data instances` on a recipe with swe/openhands prints one
// instance per expert action; its reference is that action rendered canonically, its prompt the issue and at most
// the last two action/observation pairs. Checked against the raw OpenHands files, not against srl's reader.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAction, type SweAction } from '@srl/core';
import { SWE_SYSTEM_PROMPT } from '@srl/tasks';
import { describe, expect, it } from 'vitest';
import { srl } from './run-srl';

const raw = fileURLToPath(new URL('../../../../shared/data/swe/openhands_verified50/last_completion', import.meta.url));
const names: Record<string, string> = { execute_bash: 'bash', finish: 'submit' };

/** Each file's tool calls in order (the conversation's, then the final response's), with the tool result that answered each. */
function rawCalls(): { file: string; action: SweAction; result?: string }[] {
  const out: { file: string; action: SweAction; result?: string }[] = [];
  for (const file of readdirSync(raw)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const doc = JSON.parse(readFileSync(path.join(raw, file), 'utf8'));
    const results = new Map<string, string>();
    for (const m of doc.messages)
      if (m.role === 'tool') results.set(m.tool_call_id, typeof m.content === 'string' ? m.content : m.content.map((c: { text: string }) => c.text).join(''));
    const calls = [
      ...doc.messages.filter((m: { role: string }) => m.role === 'assistant').flatMap((m: { tool_calls?: unknown[] }) => m.tool_calls ?? []),
      ...(doc.response.choices[0].message.tool_calls ?? []),
    ];
    for (const c of calls)
      out.push({ file, action: { tool: names[c.function.name] ?? c.function.name, args: JSON.parse(c.function.arguments) }, result: results.get(c.id) });
  }
  return out;
}

describe('srl data instances on swe/openhands', () => {
  it('prints one instance per action: the canonical call as reference, the issue and at most two earlier pairs as prompt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-swe-instances-'));
    const recipe = path.join(dir, 'recipe.yaml');
    const policy =
      '[tfjs-transformer, { preset: llama-tiny, tokenizer: byte, config: { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 64, maxPositions: 65536 } }]';
    writeFileSync(
      recipe,
      `name: swe-instances\npolicy: ${policy}\ntask: swe/openhands\nrewards: [step-similarity]\nstages: [[srl-tiny, { maxPromptTokens: 60000 }]]\n`,
    );
    const { code, out, err } = await srl(['data', 'instances', recipe]);
    expect(code, err).toBe(0);
    expect(err).toMatch(/swe\/openhands\/train: 40 examples -> 814 srl instances/);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const calls = rawCalls();
    expect(rows).toHaveLength(calls.length);
    expect(calls).toHaveLength(814);
    rows.forEach((row, i) => {
      const k = row.metadata.step.index - 1;
      expect(row.id).toBe(`${calls[i]!.file.replace(/\.json$/, '')}/srl/${k + 1}`);
      expect(parseAction(row.reference)).toEqual(calls[i]!.action);
      expect(row.reference.startsWith(`<function=${calls[i]!.action.tool}>\n`) && row.reference.endsWith('\n</function>')).toBe(true);
      const [system, issue, ...turns] = row.messages;
      expect(system).toEqual({ role: 'system', content: SWE_SYSTEM_PROMPT });
      expect(issue.role).toBe('user');
      expect(turns).toHaveLength(2 * Math.min(k, 2));
      turns.forEach((turn: { role: string; content: string }, t: number) => {
        const j = i - turns.length / 2 + Math.floor(t / 2);
        if (t % 2 === 0) expect(turn).toEqual({ role: 'assistant', content: rows[j].reference });
        else {
          expect(turn.role).toBe('user');
          const result = calls[j]!.result ?? '';
          if (result.length <= 4000) expect(turn.content).toBe(`OBSERVATION:\n${result}`);
          else expect(turn.content).toMatch(/^OBSERVATION:\n[\s\S]{2000}\n\[\.\.\. \d+ characters omitted \.\.\.\]\n[\s\S]{2000}$/);
        }
      });
      if (k >= 3) expect(issue.content).toMatch(new RegExp(`\\n\\n\\(${k - 2} earlier actions? omitted; the last 2 and what they returned follow\\.\\)$`));
      else expect(issue.content).toBe(rows[i - k].messages[1].content);
    });
  });
});
