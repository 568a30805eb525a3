import { strict as assert } from 'assert';
import { servingSettings } from '../../src/serving/model-threshold';
import { DEFAULT_COMPLETION_SETTINGS } from '../../src/completion/complete';

describe('servingSettings', () => {
  const settings = { ...DEFAULT_COMPLETION_SETTINGS, confidenceThreshold: 0.3 };
  const cases: { name: string; model: number | undefined; byUser: boolean | undefined; want: number }[] = [
    { name: 'a calibrated model serves at its own threshold', model: 0.5, byUser: false, want: 0.5 },
    { name: "the user's own setting wins over the model's", model: 0.5, byUser: true, want: 0.3 },
    { name: 'a model without a calibration serves at the setting', model: undefined, byUser: false, want: 0.3 },
    { name: 'an old request without the flag counts as not set by the user', model: 0.4, byUser: undefined, want: 0.4 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = servingSettings(settings, c.model, c.byUser);
      assert.equal(s.confidenceThreshold, c.want);
      assert.deepEqual({ ...s, confidenceThreshold: 0.3 }, settings, 'nothing else changes');
    });
  }
});
