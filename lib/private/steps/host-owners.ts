/**
 * Structural checks for the library's constructs (instead of instanceof: works across package
 * copies and a cdktn build) and the rule that one host has one owner per app.
 */
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { Bastion } from '../../bastion';
import { GitlabRunnerError } from '../../errors';
import type { SupportServices } from '../../support-services';
import { isUnresolved } from '../framework';

export function isBastion(b: unknown): b is Bastion {
  return !!b && typeof (b as Bastion).useSudo === 'boolean' && typeof (b as Bastion).node === 'object';
}

export function isSupportServices(s: unknown): s is SupportServices {
  return !!s && typeof (s as SupportServices).node === 'object' && Array.isArray((s as SupportServices).ready) && isBastion((s as SupportServices).host);
}

/**
 * The same SSH endpoint: host names compare without case and without a trailing dot (DNS
 * names), IPv6 addresses with or without brackets, ports exactly. Unresolved (deploy-time) hosts never compare equal.
 */
export function sameHost(a: Bastion, b: Bastion): boolean {
  if (isUnresolved(a.host) || isUnresolved(b.host)) return false;
  // `[2001:db8::1]` and `2001:db8::1` are one address (zero-compression variants are not folded)
  const norm = (h: string) => h.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  return norm(a.host) === norm(b.host) && a.port === b.port;
}

/** Every construct of the app `self` belongs to (all stacks: a host has one owner per app). */
export function allConstructs(self: Construct): Construct[] {
  return self.node.root.node.findAll();
}

/** A host provisioned twice in one app (two SupportServices, or one on a manager's bastion). */
export function checkOneOwnerPerHost(self: Construct, mine: Bastion, selfIsServices: boolean): void {
  for (const other of allConstructs(self)) {
    if (other === self) continue;
    const o = other as Construct & { host?: unknown; bastion?: unknown; ready?: unknown; machineNamePrefix?: unknown };
    const theirs = isSupportServices(o) ? o.host : typeof o.machineNamePrefix === 'string' && isBastion(o.bastion) ? o.bastion : undefined;
    // two managers: the manager's own check says it in its words
    if (!isSupportServices(o) && !selfIsServices) continue;
    if (!theirs || !sameHost(theirs, mine)) continue;
    const field = selfIsServices ? 'host' : 'bastion.host';
    const fix = isSupportServices(o) && selfIsServices
      ? 'Fix: configure registryMirror and cacheServer in one SupportServices.'
      : 'Fix: on a manager\'s own bastion, use the manager\'s registryMirror / cacheServer props instead of SupportServices.';
    throw GitlabRunnerError.at(field, `got ${JSON.stringify(mine.host)}:${mine.port}, which ${JSON.stringify(other.node.path)} already provisions${theirs.host === mine.host ? '' : ` (as ${JSON.stringify(theirs.host)})`}; two owners of one host overwrite each other's state and steps. ${fix}`);
  }
}

/**
 * A manager's `supportServices` must be in the manager's stack: its config step waits for the
 * services with depends_on, which cannot reach into another stack.
 */
export function checkSameStack(self: Construct, services: Construct): void {
  const [mine, theirs] = [TerraformStack.of(self), TerraformStack.of(services)];
  if (mine === theirs) return;
  throw GitlabRunnerError.at('supportServices', `got ${JSON.stringify(services.node.path)} from stack ${JSON.stringify(theirs.node.id)}, expected a SupportServices in this manager's stack ${JSON.stringify(mine.node.id)}: the manager's config step waits for the services (depends_on), which Terraform cannot do across stacks. Fix: create the SupportServices in stack ${JSON.stringify(mine.node.id)}, next to the managers that use it.`);
}
