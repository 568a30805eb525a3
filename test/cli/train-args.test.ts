import { strict as assert } from 'assert';
import { availableParallelism } from 'os';
import { parseTrainArgs, TRAIN_HELP, TRAIN_OPTIONS } from '../../src/cli/train';
import { defaultOf } from '../../src/cli/option-table';
import { UsageError } from '../../src/cli/args';
import { tempDir } from '../helpers';

describe('train --minutes (the editor plan from the CLI)', () => {
  const base = () => ['--data', tempDir(), '--out', `${tempDir()}/ck`];

  it('plans the run as Train on Workspace does: workspace defaults, time schedule, must beat --from', () => {
    const { config } = parseTrainArgs([...base(), '--minutes', '4', '--from', '/some/ckpt']);
    assert.equal(config.maxMinutes, 4);
    assert.equal(config.scheduleByTime, true);
    assert.equal(config.lrSchedule, 'cosine');
    assert.equal(config.batchSize, 16);
    assert.equal(config.lr, 3e-3);
    assert.equal(config.threads, Math.max(1, availableParallelism() - 1));
    assert.equal(config.mustBeatStart, true);
    assert.equal(config.smallCorpusRule, true);
    assert.equal(config.evalEveryMinutes, 1);
  });

  it('explicit options win; without --minutes nothing changes', () => {
    const { config } = parseTrainArgs([...base(), '--minutes', '2', '--threads', '3', '--lr', '0.002', '--batch-size', '32']);
    assert.deepEqual([config.threads, config.lr, config.batchSize, config.mustBeatStart], [3, 0.002, 32, false]);
    const plain = parseTrainArgs(base()).config;
    assert.deepEqual([plain.batchSize, plain.lr, plain.threads, plain.maxMinutes, plain.mustBeatStart], [512, 1.8e-4, 1, undefined, undefined]);
  });

  it('refuses --minutes with --max-minutes or --resume', () => {
    assert.throws(() => parseTrainArgs([...base(), '--minutes', '2', '--max-minutes', '3']), UsageError);
    assert.throws(() => parseTrainArgs([...base(), '--minutes', '2', '--resume']), UsageError);
    assert.throws(() => parseTrainArgs([...base(), '--minutes', '0']), UsageError);
  });
});

describe('train options table', () => {
  it('--help lists every flag the parser accepts, and states the default the parser uses', () => {
    for (const row of TRAIN_OPTIONS) assert.match(TRAIN_HELP, new RegExp(`\\n  --${row.flag}\\b`), `--${row.flag} in the help`);
    const { config } = parseTrainArgs(['--data', tempDir(), '--out', `${tempDir()}/ck`]);
    const used: [string, unknown][] = [
      ['epochs', config.epochs],
      ['batch-size', config.batchSize],
      ['seq-len', config.seqLen],
      ['lr', config.lr],
      ['validation-split', config.validationSplit],
      ['seed', config.seed],
      ['threads', config.threads],
      ['mode', config.mode],
      ['lr-schedule', config.lrSchedule],
      ['backend', config.backend],
    ];
    for (const [flag, value] of used) {
      assert.equal(value, defaultOf(TRAIN_OPTIONS, flag), `--${flag}: the parser's default is the table's`);
      const row = TRAIN_OPTIONS.find((r) => r.flag === flag)!;
      assert.ok(TRAIN_HELP.replace(/\s+/g, ' ').includes(`(default ${row.defaultText ?? String(row.default)}`), `--${flag}: the help states it`);
    }
  });

  it('an empty --data (an unset shell variable) is a usage error, not the current folder', () => {
    assert.throws(
      () => parseTrainArgs(['--data', '', '--out', `${tempDir()}/ck`]),
      (e: Error) => e instanceof UsageError && /--data was given an empty value/.test(e.message),
    );
  });
});
