/**
 * Keys the schema does not list for a section: removed keys (with their replacement),
 * registration-only settings, case variants, typos, and keys that belong to another section.
 * Also removed/deprecated keys that the schema still lists (OffPeak*, UploadRoleARN, ...).
 */
import { REMOVED_KEYS, SECTIONS } from '../schema.generated';
import type { KeySpec, TomlValue } from '../schema-types';
import { Ctx, sectionHeader, show, Visit } from './context';
import { caseInsensitiveMatch, closest } from './suggest';
import { registrationOnlyMessage } from './tokens';

/**
 * Human form of a replacement: `[[runners.machine.autoscaling]].IdleCount` ->
 * `IdleCount in a [[runners.machine.autoscaling]] entry`; `[runners.cache.s3] ServerAddress` ->
 * `ServerAddress in [runners.cache.s3]`; `experimental.usage_logger.logrotate.log_dir` ->
 * `log_dir in [experimental.usage_logger.logrotate]`.
 */
export function describeReplacement(replacedBy: string): string {
  let m = /^\[\[([^\]]+)\]\]\.(.+)$/.exec(replacedBy);
  if (m) return `${m[2]} in a [[${m[1]}]] entry`;
  m = /^\[([^\]]+)\] (.+)$/.exec(replacedBy);
  if (m) return `${m[2]} in [${m[1]}]`;
  m = /^([a-z_]+(?:\.[a-z_]+)+)\.([A-Za-z_]+)$/.exec(replacedBy);
  if (m) return `${m[2]} in [${m[1]}]`;
  return replacedBy;
}

function fixFor(key: string, replacedBy: string): string {
  const target = describeReplacement(replacedBy);
  if (/^[A-Za-z_-]+$/.test(replacedBy)) return `rename ${key} to ${replacedBy}`;
  return `move the setting to ${target}`;
}

/** A key of the schema marked removed or deprecated. Returns true when the value should still be checked. */
export function checkRetiredKey(spec: KeySpec, value: TomlValue, path: string, ctx: Ctx): boolean {
  if (spec.removed) {
    const replacement = spec.replacedBy ?? 'nothing';
    ctx.error(
      path,
      `got ${show(value, path)}, but ${spec.key} was removed in GitLab Runner ${spec.removed} and is ignored; ` +
        `its replacement is ${describeReplacement(replacement)}. Fix: ${fixFor(spec.key, replacement)}.`,
    );
    return false;
  }
  if (spec.deprecated && spec.replacedBy) {
    ctx.warn(
      path,
      `${spec.key} is deprecated (still read for now); its replacement is ${describeReplacement(spec.replacedBy)}. ` +
        `Fix: ${fixFor(spec.key, spec.replacedBy)}.`,
    );
  }
  return true;
}

/**
 * Sections (other than `current`) that define `key`, in schema order, with the key's canonical
 * spelling: exact matches first, else case-insensitive ones.
 */
function homesOf(key: string, current: string): { sections: string[]; spelling: string } {
  const others = SECTIONS.filter((s) => s.name !== current && !s.freeForm);
  const exact = others.filter((s) => s.keys.some((k) => k.key === key && !k.removed));
  if (exact.length > 0) return { sections: exact.map((s) => s.name), spelling: key };
  const lower = key.toLowerCase();
  const loose = others.filter((s) => s.keys.some((k) => k.key.toLowerCase() === lower && !k.removed));
  const spelling = loose.length > 0 ? (loose[0].keys.find((k) => k.key.toLowerCase() === lower) as KeySpec).key : key;
  return { sections: loose.map((s) => s.name), spelling };
}

/** Reports a key that the section does not define. */
export function checkUnknownKey(key: string, value: TomlValue, path: string, visit: Visit, ctx: Ctx): void {
  const section = visit.section.name;
  const header = sectionHeader(section);
  const removed = REMOVED_KEYS.find((r) => r.section === section && r.key === key);
  if (removed) {
    ctx.error(
      path,
      `got ${show(value, path)}, but ${key} was removed from ${header} in GitLab Runner ${removed.removed} and is ignored; ` +
        `its replacement is ${describeReplacement(removed.replacedBy)}. Fix: ${fixFor(key, removed.replacedBy)}.`,
    );
    return;
  }
  if (section === 'runners') {
    const registration = registrationOnlyMessage(key, value, path, visit);
    if (registration) {
      ctx.error(path, registration);
      return;
    }
  }
  const known = visit.section.keys.map((k) => k.key);
  const sameCase = caseInsensitiveMatch(key, known);
  if (sameCase) {
    ctx.error(
      path,
      `${key} is not the spelling the runner writes; the runner matches it to ${sameCase} only by a case-insensitive fallback. ` +
        `Fix: use the canonical spelling ${sameCase}.`,
    );
    return;
  }
  const near = closest(key, known);
  if (near) {
    ctx.error(path, `unknown key ${key} in ${header} (the runner ignores it). Did you mean ${near}? Fix: rename ${key} to ${near}.`);
    return;
  }
  const homes = homesOf(key, section);
  if (homes.sections.length > 0) {
    const where = homes.sections.map(sectionHeader).join(' or ');
    const respell = homes.spelling === key ? '' : ` and spell it ${homes.spelling}`;
    ctx.error(path, `unknown key ${key} in ${header} (the runner ignores it); ${homes.spelling} is a key of ${where}. Fix: move it to ${where}${respell}.`);
    return;
  }
  ctx.error(path, `unknown key ${key} in ${header} (the runner ignores it). Fix: remove it, or check the spelling against ${visit.section.docUrl}.`);
}
