import { srlProject } from '../../vitest.shared.ts';

export default srlProject('trl-grpo');
