/**
 * Literal credentials outside the secret keys: a credential entry in `environment` /
 * `MachineOptions` (`AWS_SECRET_ACCESS_KEY=...`, `amazonec2-secret-key=...`) or the
 * `user:password@` of a URL in any value. The config model only warns about them (a hand-written
 * config.toml is what it is); the constructs write config.toml into `cdktf.out` and the
 * Terraform state, which must hold no secret, so for them a literal one is an error. A value
 * built from a deploy-time reference passes.
 */
import type { Diagnostic } from '../../errors';
import { referencesIn } from '../framework';
import { credentialEntryName, hasEntryUserinfo, isEntryList, redactText, redactUrlCredentials } from '../config/secrets';
import type { TomlTable } from '../config/schema-types';
import { variableId } from '../config/validate/credential-entries';

/** One error per literal credential in the config data (TOML spelling: `runners[0].environment[1]`). */
export function literalCredentials(data: TomlTable): Diagnostic[] {
  const found: Diagnostic[] = [];
  walk(data, '', '', found);
  return found;
}

function walk(table: TomlTable, path: string, section: string, found: Diagnostic[]): void {
  for (const [key, value] of Object.entries(table)) {
    const at = path ? `${path}.${key}` : key;
    const childSection = section ? `${section}.${key}` : key;
    const entries = isEntryList(section, key);
    if (typeof value === 'string') check(value, at, false, found);
    else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (typeof v === 'string') check(v, `${at}[${i}]`, entries, found);
        else if (isTable(v)) walk(v, `${at}[${i}]`, childSection, found);
      });
    } else if (isTable(value)) walk(value, at, childSection, found);
  }
}

function check(value: string, at: string, entries: boolean, found: Diagnostic[]): void {
  if (referencesIn(value).length > 0) return; // built from a deploy-time value
  const name = entries ? credentialEntryName(value) : undefined;
  const inUrl = redactUrlCredentials(value) !== value || (entries && hasEntryUserinfo(value));
  if (name === undefined && !inUrl) return;
  const shown = JSON.stringify(redactText(value, entries));
  const fix = name !== undefined
    ? `build it from a sensitive variable, e.g. \`${name}=\${new TerraformVariable(this, "${variableId(name)}", { type: "string", sensitive: true }).stringValue}\`${at.includes('MachineOptions') ? ', or give the bastion a cloud identity (e.g. an IAM instance profile) instead' : ', or define it as a masked CI/CD variable in GitLab'}`
    : 'take the credentials out of the URL, or build the URL from a sensitive variable';
  found.push({
    level: 'error',
    path: at,
    message: `got ${shown}, a literal credential: the constructs write config.toml into cdktf.out and the Terraform state, which must hold no secret. Fix: ${fix}.`,
  });
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
