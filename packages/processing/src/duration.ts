import { MetaseriesError, type Frequency } from '@metaseries/core';
import { fixedDurationUs, invalidInput, parseFrequency, show } from '@metaseries/core/backend-kit';

/**
 * A fixed duration in microseconds from a pandas-style text (`"5min"`, `"1h"`, `"90s"`,
 * `"D"`); calendar units (`ME`, `W`…) have no fixed length and are refused. Errors name
 * the option (`what`) as well as the bad text.
 */
export function durationUs(text: string, what: string): number {
  if (typeof text !== 'string') throw invalidInput(`${what} must be a duration such as "5min" or "1h", got ${show(text)}`);
  let freq: Frequency;
  try {
    freq = parseFrequency(text);
  } catch (e) {
    if (e instanceof MetaseriesError) throw invalidInput(`${what} ${show(text)}: ${e.message}`, { cause: e });
    throw e;
  }
  const us = fixedDurationUs(freq);
  if (us === null || us < 1) throw invalidInput(`${what} ${show(text)} is not a fixed duration; use us, ms, s, min, h or D with an optional multiple, e.g. "5min"`);
  return us;
}
