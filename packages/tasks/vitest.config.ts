import { configDefaults } from 'vitest/config';
import { srlProject } from '../../vitest.shared.ts';

// swe-builtin/ holds the built-in SWE tasks' own test files (node:test, run in the sandbox), not ours.
export default srlProject('tasks', { exclude: [...configDefaults.exclude, 'swe-builtin/**'] });
