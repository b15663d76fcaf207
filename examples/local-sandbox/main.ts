/**
 * Example app: the local sandbox (see stack.ts). Settings come from $SANDBOX_SETTINGS.
 *
 *   cd examples/local-sandbox && npx cdktf synth
 */
import { App } from 'cdktf';
import { loadSettings } from './settings';
import { LocalSandboxStack } from './stack';

const app = new App();
new LocalSandboxStack(app, 'local-sandbox', loadSettings());
app.synth();
