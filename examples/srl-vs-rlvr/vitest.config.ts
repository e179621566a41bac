import { srlProject } from '../../vitest.shared.ts';

export default srlProject('srl-vs-rlvr');
