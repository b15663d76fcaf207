/**
 * URL and address shapes: `[[runners]] url` / `clone_url` (http(s)://host[:port][/path]),
 * `host:port` listen and advertise addresses. A url containing `$VAR` (the runner expands it
 * from its environment) or an unresolved reference is not checked.
 */
import type { TomlValue } from '../schema-types';
import { Ctx, has, joinPath, show, strValue, Visit } from './context';
import type { RuleSet } from './rule-types';


/** The problem with a `host[:port]` string, or undefined. `portRequired` for bind addresses. */
export function hostPortProblem(text: string, portRequired: boolean): string | undefined {
  if (/\s/.test(text)) return 'it contains whitespace';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'it has a scheme (://)';
  if (text.includes('/')) return 'it has a path (/)';
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(?::(\d*))?$/.exec(text);
  if (!m) return 'it is not host:port';
  const [, host, port] = m;
  if (host.includes('@')) return 'it contains credentials (user@)';
  if (port === undefined) return portRequired ? 'the port is missing' : undefined;
  if (port === '' || Number(port) < 1 || Number(port) > 65535) return `the port ${JSON.stringify(port)} is not 1-65535`;
  if (host !== '' && !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)$/.test(host)) return `the host ${JSON.stringify(host)} is not a host name or IP address`;
  return undefined;
}

/** The problem with a GitLab URL and the corrected value when one can be derived. */
export function gitlabUrlProblem(text: string): { problem: string; fix?: string } | undefined {
  const trimmed = text.trim();
  if (trimmed !== text) return { problem: 'it has leading or trailing whitespace', fix: gitlabUrlProblem(trimmed)?.fix ?? trimmed };
  if (/\s/.test(text)) return { problem: 'it contains whitespace' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  // without a scheme: the fix adds one and drops credentials (user:password@), as below
  if (!scheme) return { problem: 'it has no http:// or https:// scheme', fix: gitlabUrlProblem(`https://${text}`)?.fix ?? `https://${text}` };
  if (!/^https?$/i.test(scheme[1])) return { problem: `the scheme ${scheme[1]}:// is not http:// or https://` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'it is not a valid URL' };
  }
  if (url.username || url.password) return { problem: 'it contains credentials (user:password@)', fix: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` };
  if (url.search || url.hash) return { problem: 'it has a query or fragment (? or #)', fix: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` };
  if (/\/api\/v4\/?$/.test(url.pathname)) {
    const base = url.pathname.replace(/\/api\/v4\/?$/, '');
    return { problem: 'it ends in /api/v4, which the runner appends itself', fix: `${url.protocol}//${url.host}${base}` };
  }
  return undefined;
}

function checkGitlabUrl(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  // The runner expands $VAR / ${VAR} in url at load time: the shape is only known then.
  if (text === undefined || text.includes('$')) return;
  if (text === '') {
    ctx.error(path, 'got "", expected the GitLab instance URL http(s)://host[:port][/path]. Fix: set it, e.g. "https://gitlab.example.com".');
    return;
  }
  const found = gitlabUrlProblem(text);
  if (!found) return;
  const fix = found.fix ? `write ${JSON.stringify(found.fix)}` : 'write it as http(s)://host[:port][/path], e.g. "https://gitlab.example.com"';
  ctx.error(path, `got ${show(value, path)}, expected http(s)://host[:port][/path]; ${found.problem}. Fix: ${fix}.`);
}

function hostPortRule(portRequired: boolean, example: string) {
  return (value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void => {
    const text = strValue(value);
    if (text === undefined || text === '') return;
    const problem = hostPortProblem(text, portRequired);
    if (!problem) return;
    const stripped = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    const fix = stripped !== text && !hostPortProblem(stripped, portRequired) ? `write ${JSON.stringify(stripped)}` : `write it as ${example}`;
    ctx.error(path, `got ${show(value, path)}, expected ${portRequired ? 'host:port' : 'host[:port]'}; ${problem}. Fix: ${fix}.`);
  };
}

/**
 * Without advertise_address the runner tells GitLab to reach the session server at
 * listen_address; a wildcard bind address (0.0.0.0, [::]) is not reachable, so web terminals fail.
 */
function checkSessionServer(visit: Visit, ctx: Ctx): void {
  const listen = strValue(visit.table.listen_address);
  if (listen === undefined || has(visit.table, 'advertise_address')) return;
  const host = /^(\[[^\]]*\]|[^:]*)/.exec(listen)?.[1] ?? '';
  if (!['', '0.0.0.0', '[::]', '::'].includes(host)) return;
  const port = /:(\d+)$/.exec(listen)?.[1] ?? '8093';
  ctx.warn(
    joinPath(visit.path, 'advertise_address'),
    `got nothing, so the runner advertises listen_address ${JSON.stringify(listen)} to GitLab, a wildcard address GitLab cannot connect to; web terminals will not work. ` +
      `Fix: set advertise_address to the host name and port GitLab reaches, e.g. "runner.example.com:${port}".`,
  );
}

/** `[runners.ssh] port` is a string in the runner's struct, but must hold a port number. */
function checkSshPort(value: TomlValue, path: string, _visit: Visit, ctx: Ctx): void {
  const text = strValue(value);
  if (text === undefined || text === '') return;
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65535) return;
  const digits = text.trim();
  const fix = /^\d+$/.test(digits) && Number(digits) >= 1 && Number(digits) <= 65535 ? `write ${JSON.stringify(digits)}` : 'write a port number such as "22"';
  ctx.error(path, `got ${show(value, path)}, expected a port number from 1 to 65535 (as a string). Fix: ${fix}.`);
}

export const urlRules: RuleSet = {
  sections: {
    session_server: [checkSessionServer],
  },
  keys: {
    'runners.ssh/port': [checkSshPort],
    'runners/url': [checkGitlabUrl],
    'runners/clone_url': [checkGitlabUrl],
    '/listen_address': [hostPortRule(false, '"127.0.0.1:9252" or ":9252"')],
    'session_server/listen_address': [hostPortRule(true, '"0.0.0.0:8093"')],
    'session_server/advertise_address': [hostPortRule(true, '"runner.example.com:8093"')],
  },
};
