#!/usr/bin/env node
/** Entry point of the `lstm-complete` command-line tool (bundled to dist/cli.js). */
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`lstm-complete: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
