#!/usr/bin/env node
import { main } from './main';

let settled = false;
// Node exits with 0 when nothing is left to run, even while a promise (a plugin's that never
// settles) is pending: that must never look like success.
process.once('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write(
    'srl: the command stopped before it finished: work was still pending with nothing left to run (a promise that never settles, e.g. in a plugin); nothing was completed\n',
  );
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(`srl: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
