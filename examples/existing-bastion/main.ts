/**
 * Example app: an autoscaled docker+machine runner on an existing Debian/Ubuntu bastion.
 *
 *   cd examples/existing-bastion && npx cdktf synth
 *   TF_VAR_bastion_host=203.0.113.10 TF_VAR_runner_token=glrt-... npx cdktf deploy
 */
import { App } from 'cdktf';
import { ExistingBastionStack } from './stack';

const app = new App();
new ExistingBastionStack(app, 'existing-bastion');
app.synth();
