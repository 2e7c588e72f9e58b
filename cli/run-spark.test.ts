/** The run view's sparklines: shown from 100 columns, scaled to fixed ranges, oldest sample first. */
import { describe, expect, it } from 'vitest';
import type { TraceSample } from '../simulator/index.js';
import { SparkHistory, sparkRateHz } from './run-spark.js';

const sample = (heaterC: number, holderPct: number): TraceSample => ({
  atMs: 0,
  holderState: 'PREHEAT',
  chargerState: 'STANDBY',
  heaterC,
  heaterW: 0,
  puffFlowMlS: 0,
  puffs: 0,
  holderPct,
  chargerPct: 80,
  holderLed: 'off',
  chargerLed: 'off',
});

describe('SparkHistory', () => {
  it('draws the last samples as blocks from 100 columns, nothing narrower', () => {
    const history = new SparkHistory(4);
    for (const [c, pct] of [
      [0, 100],
      [100, 90],
      [200, 80],
      [300, 70],
      [400, 0],
    ] as const)
      history.sample(sample(c, pct));
    expect(history.lines(99)).toEqual([]);
    expect(history.lines(100)).toEqual(['heater °C  ▃▅▆█ 400', 'holder %   ▇▇▆▁ 0', 'charger %  ▇▇▇▇ 80']);
  });

  it('samples once a virtual second, slower above 4× speed', () => {
    expect(sparkRateHz(1)).toBe(1);
    expect(sparkRateHz(40)).toBe(0.1);
  });
});
