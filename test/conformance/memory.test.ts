import { MemoryBackend, Storage } from '@metaseries/core';
import { runConformanceSuite } from './suite.js';

runConformanceSuite('memory', async () => new Storage(new MemoryBackend()), {
  smallSegments: async () => new Storage(new MemoryBackend({ segmentSize: 4 })),
  propertyRuns: 200,
});
