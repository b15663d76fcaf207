/**
 * Structural checks for the library's constructs (instead of instanceof: works across package
 * copies and a cdktn build) and the rule that one host has one owner per stack.
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

/** A host provisioned twice in one stack (two SupportServices, or one on a manager's bastion). */
export function checkOneOwnerPerHost(self: Construct, mine: Bastion, selfIsServices: boolean): void {
  if (isUnresolved(mine.host)) return;
  const stack = TerraformStack.of(self);
  for (const other of stack.node.findAll()) {
    if (other === self) continue;
    const o = other as Construct & { host?: unknown; bastion?: unknown; ready?: unknown; machineNamePrefix?: unknown };
    const theirs = isSupportServices(o) ? o.host : typeof o.machineNamePrefix === 'string' && isBastion(o.bastion) ? o.bastion : undefined;
    // two managers: the manager's own check says it in its words
    if (!isSupportServices(o) && !selfIsServices) continue;
    if (!theirs || isUnresolved(theirs.host) || theirs.host !== mine.host || theirs.port !== mine.port) continue;
    const field = selfIsServices ? 'host' : 'bastion.host';
    const fix = isSupportServices(o) && selfIsServices
      ? 'Fix: configure registryMirror and cacheServer in one SupportServices.'
      : 'Fix: on a manager\'s own bastion, use the manager\'s registryMirror / cacheServer props instead of SupportServices.';
    throw GitlabRunnerError.at(field, `got ${JSON.stringify(mine.host)}:${mine.port}, which ${JSON.stringify(other.node.path)} already provisions; two owners of one host overwrite each other's state and steps. ${fix}`);
  }
}
