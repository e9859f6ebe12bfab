import { MemoryDriver } from '@metaseries/core/backend-kit';
import { runDriverConformance } from './driver-suite.js';

runDriverConformance('memory', async () => new MemoryDriver(), {
  damage: async (driver, key, id) => {
    const bytes = (driver as MemoryDriver).segmentBytes(key, id)!;
    bytes[bytes.length - 2]! ^= 0xff;
  },
});
