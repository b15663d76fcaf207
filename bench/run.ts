/**
 * `npm run bench`: runs every benchmark, each case in its own child process so peak memory
 * (maxRSS) is measured per case, and prints the figures and ratios. No assertions: read them.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const benches = ['config.ts', 'synth.ts'];
for (const file of benches) {
  const full = path.join(__dirname, file);
  console.log(`\n## ${file}`);
  execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', full], { stdio: 'inherit' });
}
