// BENCH ONLY: profiles the process it is preloaded into (`NODE_OPTIONS=--require <this file>`;
// Node 20 refuses --cpu-prof in NODE_OPTIONS) from its first SIGUSR2 (sent after the warm-up, so
// start-up is left out) and writes `<name>.<pid>.cpuprofile` into BENCH_CPU_PROFILE_DIR when the
// process exits. `npm run bench:e2e -- --cpu-prof=DIR` sets both for
// the router and the worker; summarise with bench/e2e/cpu-profile-summary.ts.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

const dir = process.env['BENCH_CPU_PROFILE_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    session.post('Profiler.enable');
    session.post('Profiler.start');
  });
  // The in-process inspector answers synchronously, so the profile is written before the exit.
  process.once('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      if (error || !started) return;
      const entry = basename(process.argv[1] ?? 'node', '.ts');
      writeFileSync(join(dir, `${entry}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }),
  );
}
