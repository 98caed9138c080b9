// A build that failed because a step could not reach a package registry, recognised from the last lines of
// the build log: which tool, which registry and host, why (DNS, refused, timeout, an untrusted certificate),
// and what to do about it in a few words. Pure: lines in, a finding out.

export type NetworkReason = 'name not resolved' | 'connection refused' | 'timed out' | 'network unreachable' | 'certificate not trusted' | 'transfer failed';

export interface NetworkFailure {
  /** The tool that tried, as its users call it: pip, go, Maven, npm, apt... */
  tool: string;
  /** The registry's name when the host is a known one (PyPI, the Go module proxy...). */
  registry?: string;
  host: string;
  reason: NetworkReason;
  /** The tool went through a proxy (a `https_proxy` build arg, say) and the proxy is what failed. */
  viaProxy?: boolean;
}

interface Registry {
  name: string;
  /** Host names; a name also matches its subdomains (us.archive.ubuntu.com). */
  hosts: string[];
  /** The tools that fetch from it, the usual one first. */
  tools: string[];
}

const REGISTRIES: Registry[] = [
  { name: 'PyPI', hosts: ['pypi.org', 'files.pythonhosted.org', 'pypi.python.org'], tools: ['pip', 'uv', 'poetry'] },
  { name: 'the Go module proxy', hosts: ['proxy.golang.org', 'sum.golang.org'], tools: ['go'] },
  { name: 'Maven Central', hosts: ['repo.maven.apache.org', 'repo1.maven.org', 'repo.maven.org'], tools: ['Maven', 'Gradle'] },
  { name: 'the Gradle services', hosts: ['services.gradle.org', 'plugins.gradle.org', 'plugins-artifacts.gradle.org', 'downloads.gradle.org'], tools: ['Gradle'] },
  { name: 'the npm registry', hosts: ['registry.npmjs.org', 'registry.npmjs.com', 'registry.yarnpkg.com', 'repo.yarnpkg.com'], tools: ['npm', 'yarn', 'pnpm'] },
  { name: 'Packagist', hosts: ['repo.packagist.org', 'packagist.org'], tools: ['Composer'] },
  { name: 'RubyGems', hosts: ['rubygems.org'], tools: ['Bundler'] },
  { name: "Debian's package mirror", hosts: ['deb.debian.org', 'security.debian.org', 'ftp.debian.org', 'httpredir.debian.org'], tools: ['apt'] },
  { name: "Ubuntu's package mirror", hosts: ['archive.ubuntu.com', 'security.ubuntu.com', 'ports.ubuntu.com'], tools: ['apt'] },
  { name: "Alpine's package mirror", hosts: ['dl-cdn.alpinelinux.org'], tools: ['apk'] },
  { name: "Fedora's package mirrors", hosts: ['mirrors.fedoraproject.org', 'dl.fedoraproject.org'], tools: ['dnf'] },
];

/** The commands that fetch dependencies, per tool: a step running one may name any host (a mirror, a proxy). */
const FETCH_COMMANDS: Array<[RegExp, string]> = [
  [/\buv (sync|pip install)\b/, 'uv'],
  [/\bpoetry install\b/, 'poetry'],
  [/\bpip3? install\b/, 'pip'],
  [/\bgo (mod download|get|install|build|mod tidy|mod vendor)\b/, 'go'],
  [/\bmvnw?\b/, 'Maven'],
  [/\bgradlew?\b/, 'Gradle'],
  [/\bnpm (ci|install|i)\b/, 'npm'],
  [/\b(yarn|yarnpkg)( install| workspaces focus|$|[;&])/, 'yarn'],
  [/\bpnpm (install|i|add)\b/, 'pnpm'],
  [/\bcomposer (install|update|require)\b/, 'Composer'],
  [/\bbundle install\b|\bgem install\b/, 'Bundler'],
  [/\bapt-get (update|install)\b|\bapt (update|install)\b/, 'apt'],
  [/\bapk (add|update)\b/, 'apk'],
  [/\b(micro)?dnf (install|makecache)\b|\byum install\b/, 'dnf'],
];

/** Lines only one tool prints: they name the tool when a step runs several. */
const TOOL_LINES: Array<[RegExp, string]> = [
  [/pip\._vendor|Retrying \(Retry\(total=|^Could not fetch URL |^ERROR: No matching distribution found/, 'pip'],
  [/^\s*(error: Failed to fetch: `|Caused by: (dns error|error sending request for url))/, 'uv'],
  [/^go: |^go mod download: /, 'go'],
  [/^\[(ERROR|FATAL|WARNING)\] /, 'Maven'],
  [/^npm (ERR!|error|WARN) /, 'npm'],
  [/^error An unexpected error occurred: |^info There appears to be trouble with your network connection/, 'yarn'],
  [/ERR_PNPM_|^\s*WARN\s+GET https?:/, 'pnpm'],
  [/curl error \d+ while downloading|^\s*\[Composer\\/, 'Composer'],
  [/Bundler::HTTPError|Gem::RemoteFetcher|^Could not fetch specs from /, 'Bundler'],
  [/^(W|E|Err): .*(Failed to fetch|Temporary failure resolving|Could not resolve|Unable to connect|Could not connect)|^Err:\d+ /, 'apt'],
  [/^(ERROR|WARNING): https?:\/\/\S+: (DNS lookup error|temporary error|network error|could not connect)/i, 'apk'],
  [/^Curl error \(\d+\): /, 'dnf'],
];

const HOST = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`;

/**
 * The reasons, each with the messages the tools print for it. A pattern with a capture group names the host
 * itself; one without leaves the host to be read from the rest of the line.
 */
const REASONS: Array<[NetworkReason, RegExp[]]> = [
  [
    'certificate not trusted',
    [
      /CERTIFICATE_VERIFY_FAILED/,
      /SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain/i,
      /UNABLE_TO_GET_ISSUER_CERT_LOCALLY|unable to get local issuer certificate/i,
      /x509: certificate signed by unknown authority/,
      /tls: failed to verify certificate/,
      /PKIX path building failed|unable to find valid certification path/,
      /SSL certificate problem/,
      /Certificate verification failed: The certificate is NOT trusted/,
    ],
  ],
  [
    'name not resolved',
    [
      new RegExp(String.raw`Temporary failure resolving '(${HOST})'`),
      // curl and Composer say `Could not resolve host: H`, older apt `Could not resolve 'H'`; Maven's and
      // Gradle's `Could not resolve org.group:artifact` is about a dependency, not a host
      new RegExp(String.raw`Could not resolve host:? '?(${HOST})'?`),
      new RegExp(String.raw`Could not resolve '(${HOST})'`),
      new RegExp(String.raw`getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (${HOST})`),
      new RegExp(String.raw`dial tcp: lookup (${HOST})(?: on \S+)?: (?:no such host|server misbehaving|i/o timeout|Temporary failure)`),
      new RegExp(String.raw`Unknown ?host(?:Exception)?:? (${HOST})`, 'i'),
      new RegExp(String.raw`(${HOST}): (?:Temporary failure in name resolution|Name or service not known|No address associated with hostname)`),
      /Name or service not known|Temporary failure in name resolution|nodename nor servname provided|No address associated with hostname|Name does not resolve|getaddrinfo failed|failed to lookup address information|DNS lookup error|Couldn't resolve host/,
    ],
  ],
  ['connection refused', [/\bECONNREFUSED\b|Connection refused|connect: connection refused|\[Errno 111\]/]],
  ['network unreachable', [/\bENETUNREACH\b|\bEHOSTUNREACH\b|Network is unreachable|No route to host/]],
  ['timed out', [/\bETIMEDOUT\b|\bESOCKETTIMEDOUT\b|ERR_SOCKET_TIMEOUT|ConnectTimeoutError|Connection timed out|connect timed out|Read timed out|operation timed out|i\/o timeout/i]],
  // Maven (Debian's 3.8) names no cause: `transfer failed for URL` as a warning, which -q hides, and then
  // only that no repository had the plugin it was asked for, the repositories listed with their URLs
  [
    'transfer failed',
    [
      new RegExp(String.raw`transfer failed for https?://(${HOST})`),
      // (only for Maven's own plugins, which every repository mirroring Central has: `jetty` may be a typo)
      /No plugin found for prefix '(?:dependency|compiler|resources|surefire|jar|war|install|clean|deploy|help)' in the current project and in the plugin groups \[[^\]]*\] available from the repositories \[.*https?:\/\//,
    ],
  ],
];

/** Hosts named on a line: `Connect to HOST:443`, `connection to HOST:443`, `lookup HOST`, urllib3's host='...', a URL. */
const HOST_ON_LINE = [
  // the host connected to first: Ruby's `connection to index.rubygems.org:443` beside its `https://rubygems.org/`
  new RegExp(String.raw`(?:Connect to|connection to|connect to|dial tcp:? (?:lookup )?) ?(${HOST})(?::\d+)?`, 'g'),
  new RegExp(String.raw`host='(${HOST})'`, 'g'),
  new RegExp(String.raw`https?://(${HOST})`, 'g'),
];

/** urllib3's ProxyError, Go's `proxyconnect tcp`, node's and curl's tunnel errors: the proxy failed, not the registry. */
const VIA_PROXY = /ProxyError|Cannot connect to proxy|proxyconnect tcp|tunneling socket could not be established|Unable to connect to proxy|Failed to connect to proxy|Could not resolve proxy/i;

function registryOf(host: string): Registry | undefined {
  const h = host.toLowerCase();
  return REGISTRIES.find((r) => r.hosts.some((k) => h === k || h.endsWith(`.${k}`)));
}

/** The failing step's own lines and command: the classic builder's `Step n/m : CMD`, podman's `STEP n/m: CMD`, BuildKit's `#N ...`. */
export function failingStep(lines: string[]): { command?: string; lines: string[] } {
  const buildkitError = [...lines].reverse().map((l) => /^#(\d+) ERROR\b/.exec(l)).find(Boolean);
  if (buildkitError) {
    const prefix = `#${buildkitError[1]} `;
    const own = lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).replace(/^\d+(\.\d+)? /, ''));
    const command = own.map((l) => /^\[[^\]]*\] (.*)$/.exec(l)?.[1]).find((c) => c !== undefined);
    return { ...(command !== undefined ? { command } : {}), lines: own };
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(?:Step|STEP) \d+\/\d+ ?: (.*)$/.exec(lines[i]!);
    if (m) return { command: m[1]!, lines: lines.slice(i + 1) };
  }
  return { lines };
}

function reasonOf(line: string): { reason: NetworkReason; host?: string } | undefined {
  for (const [reason, patterns] of REASONS) {
    for (const re of patterns) {
      const m = re.exec(line);
      if (m) return { reason, ...(m[1] ? { host: m[1] } : {}) };
    }
  }
  return undefined;
}

/** The host a line names: a known registry first, then the first host any pattern finds. */
function hostOn(line: string): string | undefined {
  const found = HOST_ON_LINE.flatMap((re) => [...line.matchAll(re)].map((m) => m[1]!));
  return found.find((h) => registryOf(h)) ?? found[0];
}

function toolOf(line: string, command: string | undefined, registry: Registry | undefined): string | undefined {
  const byLine = TOOL_LINES.find(([re]) => re.test(line))?.[1];
  if (byLine && (!registry || registry.tools.includes(byLine))) return byLine;
  const inCommand = FETCH_COMMANDS.filter(([re]) => command !== undefined && re.test(command)).map(([, t]) => t);
  return inCommand.find((t) => !registry || registry.tools.includes(t)) ?? (registry ? registry.tools[0] : inCommand[0]);
}

const INDEX_LINE = new RegExp(String.raw`^Looking in indexes: https?://(${HOST})`);

/** pip names no host in its retry lines: its index is PyPI unless it said `Looking in indexes: URL`. */
function defaultHost(tool: string, lines: string[], line: string): string | undefined {
  if (tool !== 'pip' && tool !== 'uv' && tool !== 'poetry') return undefined;
  const index = lines.map((l) => INDEX_LINE.exec(l)?.[1]).find(Boolean);
  if (index) return index;
  return /\/packages\//.test(line) ? 'files.pythonhosted.org' : 'pypi.org';
}

/**
 * The registry a failed build could not reach, from the last lines of its log, or undefined when the
 * failure is something else. A host that is no known registry counts only in a step that fetches
 * dependencies (pip install, go mod download, npm ci...), so a test that cannot reach its database or a
 * compiler error that mentions the network is never taken for one.
 */
export function networkFailure(logLines: string[]): NetworkFailure | undefined {
  const step = failingStep(logLines);
  for (let i = step.lines.length - 1; i >= 0; i--) {
    const line = step.lines[i]!;
    const found = reasonOf(line);
    if (!found) continue;
    const host = found.host ?? hostOn(line);
    const registry = host ? registryOf(host) : undefined;
    const tool = toolOf(line, step.command, registry);
    if (!tool) continue;
    const fetching = step.command !== undefined && FETCH_COMMANDS.some(([re, t]) => t === tool && re.test(step.command!));
    // uv names the URL a few `Caused by:` lines above its reason; pip names none (its index, then)
    const above = step.lines.slice(Math.max(0, i - 5), i).reverse().map(hostOn).find(Boolean);
    const finalHost = host ?? above ?? defaultHost(tool, step.lines, line);
    if (!finalHost) continue;
    const known = registryOf(finalHost);
    if (!known && !fetching) continue;
    const viaProxy = VIA_PROXY.test(line);
    return { tool, ...(known ? { registry: known.name } : {}), host: finalHost, reason: found.reason, ...(viaProxy ? { viaProxy } : {}) };
  }
  return undefined;
}

/** Tools that read a proxy from the environment (`https_proxy`; apt, apk and dnf fetch over http and read `http_proxy`). */
const PROXY_VARIABLE: Record<string, string> = {
  pip: 'https_proxy', uv: 'https_proxy', poetry: 'https_proxy', go: 'https_proxy', npm: 'https_proxy', yarn: 'https_proxy', pnpm: 'https_proxy',
  Composer: 'https_proxy', Bundler: 'https_proxy', apt: 'http_proxy', apk: 'http_proxy', dnf: 'http_proxy',
};

/** `pip could not reach PyPI (pypi.org: name not resolved): <what to do>` */
export function describeNetworkFailure(f: NetworkFailure): string {
  const what = f.registry ? `${f.registry} (${f.host}: ${f.reason})` : `${f.host} (${f.reason})`;
  if (f.viaProxy) {
    return `${f.tool} could not reach ${what} through its proxy: check the proxy address it was given (an https_proxy or http_proxy build arg, or the builder's proxy settings) and that the builder can reach it`;
  }
  return `${f.tool} could not reach ${what}: ${networkHint(f)}`;
}

function networkHint(f: NetworkFailure): string {
  if (f.reason === 'certificate not trusted') {
    return `the build does not trust the certificate ${f.host} showed (a proxy that inspects TLS?): generate again with --ca-cert FILE, its CA in PEM`;
  }
  const proxy = PROXY_VARIABLE[f.tool];
  const ways = [`make ${f.host} reachable from the builder`];
  if (proxy) ways.push(`pass a proxy with --build-arg ${proxy}=http://HOST:PORT`);
  if (f.tool === 'go') ways.push('vendor the modules (go mod vendor)');
  if (f.tool === 'Maven' || f.tool === 'Gradle') ways[0] += ` (${f.tool} reads no proxy from the environment)`;
  return `the build needs network access to it: ${ways.length > 2 ? `${ways.slice(0, -1).join(', ')}, or ${ways.at(-1)}` : ways.join(', or ')}`;
}
