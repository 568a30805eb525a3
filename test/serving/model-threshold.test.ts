import { strict as assert } from 'assert';
import { servingSettings, Threshold } from '../../src/serving/model-threshold';
import { DEFAULT_COMPLETION_SETTINGS } from '../../src/completion/complete';

describe('servingSettings', () => {
  const cases: { name: string; model: number | undefined; asked: Threshold; want: number }[] = [
    { name: 'a calibrated model serves at its own threshold', model: 0.5, asked: 'calibrated', want: 0.5 },
    { name: "the user's own setting wins over the model's", model: 0.5, asked: 0.3, want: 0.3 },
    {
      name: "a model without a calibration serves at the engine's default",
      model: undefined,
      asked: 'calibrated',
      want: DEFAULT_COMPLETION_SETTINGS.confidenceThreshold,
    },
    { name: "the user's setting serves a model without a calibration too", model: undefined, asked: 0.45, want: 0.45 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = servingSettings({ ...DEFAULT_COMPLETION_SETTINGS, confidenceThreshold: c.asked }, c.model);
      assert.equal(s.confidenceThreshold, c.want);
      assert.deepEqual({ ...s, confidenceThreshold: 0.3 }, { ...DEFAULT_COMPLETION_SETTINGS, confidenceThreshold: 0.3 }, 'nothing else changes');
    });
  }
});
