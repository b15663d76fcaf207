/**
 * Transpiles lib/ and bench/ to plain JavaScript in a temporary folder, so benchmark cases run
 * without the TypeScript compiler in memory (ts-node alone is ~80 MB of RSS). scripts/ is linked
 * in, since steps read their host scripts from it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export function transpileForBench(): { dir: string; cleanup: () => void } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-glr-bench-'));
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = ts.transpileModule(fs.readFileSync(path.join(root, child), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
          fileName: child,
        });
        const target = path.join(dir, child.replace(/\.ts$/, '.js'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, out.outputText);
      }
    }
  };
  walk('lib');
  walk('bench');
  fs.symlinkSync(path.join(root, 'scripts'), path.join(dir, 'scripts'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Environment for the child processes: they resolve packages from the checkout. */
export function benchChildEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: path.resolve(__dirname, '..', 'node_modules'), CHECKPOINT_DISABLE: '1' };
}
