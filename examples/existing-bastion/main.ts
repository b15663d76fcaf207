/**
 * Example app: an autoscaled docker+machine runner on an existing Debian/Ubuntu bastion.
 *
 *   cd examples/existing-bastion && npx cdktf synth
 *   TF_VAR_bastion_host=203.0.113.10 TF_VAR_runner_token=glrt-... \
 *   TF_VAR_cache_access_key=... TF_VAR_cache_secret_key=... npx cdktf deploy
 *   (TF_VAR_ssh_private_key_path defaults to ~/.ssh/id_ed25519)
 */
import { App } from 'cdktf';
import { ExistingBastionStack } from './stack';

const app = new App();
new ExistingBastionStack(app, 'existing-bastion');
app.synth();
