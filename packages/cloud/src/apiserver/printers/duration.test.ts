import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ageSince, humanDuration } from './duration.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;

describe('humanDuration', () => {
  it('follows upstream duration.HumanDuration boundaries', () => {
    const cases: [number, string][] = [
      [-3 * s, '<invalid>'], [-1500, '0s'], [0, '0s'], [45 * s, '45s'], [119 * s, '119s'], [2 * m, '2m'],
      [5 * m + 12 * s, '5m12s'], [9 * m + 59 * s, '9m59s'], [10 * m + 30 * s, '10m'], [179 * m, '179m'],
      [3 * h, '3h'], [3 * h + 2 * m, '3h2m'], [7 * h + 59 * m, '7h59m'], [8 * h + 5 * m, '8h'], [47 * h, '47h'],
      [48 * h, '2d'], [3 * d + 4 * h, '3d4h'], [7 * d + 23 * h, '7d23h'], [8 * d + 5 * h, '8d'], [45 * d, '45d'],
      [729 * d, '729d'], [730 * d, '2y'], [3 * 365 * d + 10 * d, '3y10d'], [9 * 365 * d + 10 * d, '9y'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  });

  it('ageSince handles missing timestamps', () => {
    const now = Date.parse('2026-01-01T01:00:00Z');
    assert.equal(ageSince('2026-01-01T00:00:00Z', now), '60m');
    assert.equal(ageSince(undefined, now), '<unknown>');
  });
});
