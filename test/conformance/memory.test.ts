import { MemoryBackend, Storage } from '@metaseries/core';
import { runConformanceSuite } from './suite.js';

runConformanceSuite('memory', async () => new Storage(new MemoryBackend()));
