import { join } from 'node:path';
import { Dataset, Signal } from '@metaseries/core';
import { expect, it } from 'vitest';
import { minuteSeries, scale } from './helpers.js';
import { tempDir } from '../../../test/support/tmp.js';

it('signal.save / Signal.load and dataset.save / Dataset.load round-trip through archives', async () => {
  const dir = tempDir('ms-archive-');
  const cod = new Signal({ name: 'CODs', units: 'mg/l', data: minuteSeries([1, Number.NaN, 3]), lastUpdated: '2024-03-01T10:00:05.654321' });
  expect(cod.lastUpdated).toBe('2024-03-01T10:00:05.654321');
  await cod.process(['CODs#1_RAW#1'], scale(2));
  expect(await cod.save(dir)).toBe(join(dir, 'CODs#1.zip'));
  const back = await Signal.load(join(dir, 'CODs#1.zip'));
  expect(back.allTimeSeries).toEqual(['CODs#1_RAW#1', 'CODs#1_SCALED#1']);
  expect(back.get('CODs#1_SCALED#1').equals(cod.get('CODs#1_SCALED#1'))).toBe(true);
  const plant = new Dataset({ name: 'plant', signals: [back] });
  await plant.save(dir);
  const again = await Dataset.load(join(dir, 'plant.zip'));
  expect(again.get('CODs#1').units).toBe('mg/l');
  expect(again.get('CODs#1').get('CODs#1_RAW#1').equals(cod.get('CODs#1_RAW#1'))).toBe(true);
});
