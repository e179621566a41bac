import { describe, expect, it } from 'vitest';
import { checkRewrite } from './check-rewrite';
import { rewritePrompt } from './rewrite-prompt';

const original = 'We have 2x + 3 = 7, so 2x = 4 and x = \\boxed{2}.';
const good = 'SOLUTION:\n1. **Subtract 3** $2x = 7 - 3 = 4$.\n2. **Divide by 2** $x = \\boxed{2}$.';

describe('checkRewrite', () => {
  it('keeps a conforming rewrite with the original answer, fenced or not', () => {
    expect(checkRewrite({ reply: good, original })).toEqual({ ok: true, solution: good, steps: 2 });
    expect(checkRewrite({ reply: `\`\`\`markdown\n${good}\n\`\`\``, original, finishReason: 'stop' })).toEqual({ ok: true, solution: good, steps: 2 });
  });

  it('drops broken rewrites with a reason and what was found', () => {
    const cases: [string, string, RegExp][] = [
      ['1. **Subtract 3** 2x = 4\n2. **Divide** x = \\boxed{2}', 'format', /no "SOLUTION:" header/],
      ['SOLUTION:\nFirst we subtract.\n1. **Subtract** 2x = 4', 'format', /text before step 1: "First we subtract\."/],
      ['SOLUTION:\n1. **Subtract** 2x = 4\n3. **Divide** x = \\boxed{2}', 'format', /step 2: numbered 3, expected 2/],
      ['SOLUTION:\n1. Subtract: 2x = 4\n2. **Divide** x = \\boxed{2}', 'format', /step 1: numbered line without a \*\*bold title\*\*/],
      ['SOLUTION:\n1. **Subtract** 2x = 4\n2. **Divide**', 'format', /step 2: title without an action/],
      ['SOLUTION:\n1. **Subtract** 2x = 4\n2. **Divide** x = \\boxed{3}', 'answer changed', /original \\boxed\{2\}, rewrite \\boxed\{3\}/],
      ['SOLUTION:\n1. **Subtract** 2x = 4\n2. **Divide** x = 2', 'answer missing', /\\boxed\{2\} is not in the rewrite/],
      ['  ', 'empty reply', /no text/],
    ];
    for (const [reply, reason, detail] of cases) {
      const r = checkRewrite({ reply, original });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(r.detail).toMatch(detail);
      }
    }
    expect(checkRewrite({ reply: good, original, finishReason: 'length' })).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('asks with the template, the problem and the original solution', () => {
    const [system, user] = rewritePrompt({ problem: 'Solve 2x + 3 = 7.', solution: original });
    expect(system.content).toContain('1. **{STEP TITLE}** {STEP ACTION}');
    expect(user.content).toBe(`PROBLEM:\nSolve 2x + 3 = 7.\n\nORIGINAL SOLUTION:\n${original}\n\nRewrite the original solution in the template above.`);
  });
});
