import { srlProject } from '../../vitest.shared.ts';

export default srlProject('swe-srl');
