import { describe, expect, it } from 'vitest';
import { checkSetupTools } from './setup-prerequisites';

describe('checkSetupTools', () => {
  it('names every missing tool with how to get it, in one error', async () => {
    const saved = { python: process.env.SRL_PYTHON, cxx: process.env.CXX };
    process.env.SRL_PYTHON = '/nonexistent/python3';
    process.env.CXX = '/nonexistent/c++';
    try {
      const error = await checkSetupTools({ projectRoot: process.cwd(), needPip: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'runtime' });
      const message = (error as Error).message;
      expect(message).toContain('Python 3.8+ ("/nonexistent/python3") not found');
      expect(message).toContain('C++ compiler ("/nonexistent/c++") not found: install one (apt-get install g++)');
    } finally {
      for (const [key, value] of [
        ['SRL_PYTHON', saved.python],
        ['CXX', saved.cxx],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
