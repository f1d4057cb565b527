import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig(libraryBuild({ entry: ['src/index.ts', 'src/emulator/index.ts'] }));
