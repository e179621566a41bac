import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

export default defineConfig(packageConfig({ entry: { index: 'src/index.ts', base: 'src/base.ts', 'testing/index': 'src/testing/index.ts' } }));
