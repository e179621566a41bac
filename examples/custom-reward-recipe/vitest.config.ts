import { srlProject } from '../../vitest.shared.ts';

export default srlProject('custom-reward-recipe');
