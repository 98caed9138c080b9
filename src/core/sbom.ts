// A CycloneDX 1.6 SBOM of a built image: its OS packages (from the package database read out of the
// image: dpkg, apk or rpm) and the language packages of the lockfiles the Dockerfile copies in, each
// with its package URL (purl). Pure: the image is read in src/engines/sbom.ts, the lockfiles by the CLI.
import { createHash } from 'node:crypto';

export interface SbomPackage {
  /** purl type: deb, apk, rpm, npm, pypi, golang, composer, gem. */
  type: string;
  namespace?: string;
  name: string;
  version: string;
  qualifiers?: Record<string, string>;
  /** The lockfile a language package comes from (relative to the build context). */
  from?: string;
}

/** purl segments are percent-encoded (`@` of an npm scope too); `/` only separates namespace parts. */
const enc = (s: string): string => encodeURIComponent(s).replace(/%2F/gi, '/');

export function purl(p: SbomPackage): string {
  const ns = p.namespace ? `${p.namespace.split('/').map(enc).join('/')}/` : '';
  const q = Object.entries(p.qualifiers ?? {}).filter(([, v]) => v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${enc(v)}`);
  return `pkg:${p.type}/${ns}${enc(p.name)}@${enc(p.version)}${q.length ? `?${q.join('&')}` : ''}`;
}

/** os-release fields (ID, VERSION_ID, ...). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([A-Z_]+)=("?)(.*)\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

/** Stanzas of a dpkg status or apk installed database: blank-line separated `Key: value` blocks. */
function stanzas(text: string, sep: RegExp): Array<Record<string, string>> {
  return text.split(/\n\s*\n/).map((block) => {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const m = sep.exec(line);
      if (m) fields[m[1]!] = m[2]!.trim();
    }
    return fields;
  });
}

/** Installed packages of /var/lib/dpkg/status (Status `install ok installed` only, as dpkg-query -W lists them). */
export function dpkgPackages(status: string, os: Record<string, string>): SbomPackage[] {
  const distro = os.ID && os.VERSION_ID ? `${os.ID}-${os.VERSION_ID}` : undefined;
  return stanzas(status, /^([A-Za-z-]+):\s?(.*)$/)
    .filter((f) => f.Package && f.Version && /\binstalled$/.test(f.Status ?? '') && !/not-installed|config-files/.test(f.Status ?? ''))
    .map((f) => ({ type: 'deb', namespace: os.ID || 'debian', name: f.Package!, version: f.Version!, qualifiers: { arch: f.Architecture ?? '', ...(distro ? { distro } : {}) } }));
}

/** Installed packages of /lib/apk/db/installed (P: name, V: version, A: arch). */
export function apkPackages(db: string, os: Record<string, string>): SbomPackage[] {
  return stanzas(db, /^([A-Za-z]):(.*)$/)
    .filter((f) => f.P && f.V)
    .map((f) => ({ type: 'apk', namespace: os.ID || 'alpine', name: f.P!, version: f.V!, qualifiers: { arch: f.A ?? '', ...(os.VERSION_ID ? { distro: `${os.ID ?? 'alpine'}-${os.VERSION_ID}` } : {}) } }));
}

/** The query format rpmPackages reads: name, epoch, version-release, arch, tab-separated. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

export function rpmPackages(out: string, os: Record<string, string>): SbomPackage[] {
  return out
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f.length === 4 && f[0] && f[0] !== 'gpg-pubkey')
    .map(([name, epoch, version, arch]) => ({ type: 'rpm', namespace: os.ID || 'rhel', name: name!, version: version!, qualifiers: { arch: arch!, ...(epoch && epoch !== '(none)' ? { epoch } : {}), ...(os.VERSION_ID ? { distro: `${os.ID}-${os.VERSION_ID}` } : {}) } }));
}

/** The lockfiles read, by file name; each gives the packages it pins. */
export const LOCKFILES: Record<string, (text: string) => Array<Omit<SbomPackage, 'from'>>> = {
  'package-lock.json': (text) => {
    const lock = JSON.parse(text) as { packages?: Record<string, { version?: string; link?: boolean }>; dependencies?: Record<string, { version?: string }> };
    const entries = lock.packages
      ? Object.entries(lock.packages).filter(([k, v]) => k.includes('node_modules/') && v.version && !v.link).map(([k, v]) => [k.slice(k.lastIndexOf('node_modules/') + 13), v.version!] as const)
      : Object.entries(lock.dependencies ?? {}).filter(([, v]) => v.version).map(([k, v]) => [k, v.version!] as const);
    return entries.map(([name, version]) => npm(name, version));
  },
  'pnpm-lock.yaml': (text) => {
    const out: Array<Omit<SbomPackage, 'from'>> = [];
    const section = /^packages:\n([\s\S]*?)(?=^\S|$(?![\s\S]))/m.exec(text)?.[1] ?? '';
    for (const m of section.matchAll(/^ {2}'?\/?((?:@[^/@\s]+\/)?[^@\s/']+)[@/]([0-9][^(':\s]*)/gm)) out.push(npm(m[1]!, m[2]!));
    return out;
  },
  'yarn.lock': (text) => {
    const out: Array<Omit<SbomPackage, 'from'>> = [];
    for (const m of text.matchAll(/^"?((?:@[^/@\s"]+\/)?[^@\s"]+)@[^\n]*:\n(?:\s+[^\n]*\n)*?\s+version:? "?([^"\n]+)"?/gm)) out.push(npm(m[1]!, m[2]!));
    return out;
  },
  'requirements.txt': (text) =>
    [...text.matchAll(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;#\\]+)/gm)].map((m) => pypi(m[1]!, m[2]!)),
  'poetry.lock': (text) => tomlPackages(text).map(([n, v]) => pypi(n, v)),
  'uv.lock': (text) => tomlPackages(text).map(([n, v]) => pypi(n, v)),
  'go.sum': (text) => {
    const seen = new Set<string>();
    const out: Array<Omit<SbomPackage, 'from'>> = [];
    for (const m of text.matchAll(/^(\S+) (v[^\s/]+) h1:/gm)) {
      const key = `${m[1]}@${m[2]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const at = m[1]!.lastIndexOf('/');
      out.push({ type: 'golang', ...(at > 0 ? { namespace: m[1]!.slice(0, at) } : {}), name: m[1]!.slice(at + 1), version: m[2]! });
    }
    return out;
  },
  'composer.lock': (text) => {
    const lock = JSON.parse(text) as { packages?: Array<{ name?: string; version?: string }>; 'packages-dev'?: Array<{ name?: string; version?: string }> };
    return (lock.packages ?? []).filter((p) => p.name && p.version).map((p) => {
      const [vendor, name] = p.name!.split('/');
      return { type: 'composer', ...(name ? { namespace: vendor! } : {}), name: name ?? vendor!, version: p.version!.replace(/^v(?=\d)/, '') };
    });
  },
  'Gemfile.lock': (text) => {
    const specs = /^GEM\n(?:.*\n)*?\s+specs:\n((?: {4}.*\n?)*)/m.exec(text)?.[1] ?? '';
    return [...specs.matchAll(/^ {4}([^\s(]+) \(([^)-]+)(?:-[^)]+)?\)$/gm)].map((m) => ({ type: 'gem', name: m[1]!, version: m[2]! }));
  },
};

const npm = (full: string, version: string): Omit<SbomPackage, 'from'> => {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(full);
  return { type: 'npm', ...(scoped ? { namespace: scoped[1]! } : {}), name: scoped ? scoped[2]! : full, version };
};
/** PyPI names are compared normalised (PEP 503): lower case, runs of -_. as one -. */
const pypi = (name: string, version: string): Omit<SbomPackage, 'from'> => ({ type: 'pypi', name: name.toLowerCase().replace(/[-_.]+/g, '-'), version });
const tomlPackages = (text: string): Array<[string, string]> =>
  [...text.matchAll(/^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => [m[1]!, m[2]!]);

/** Which lockfile parser reads `path` (requirements-dev.txt and requirements/base.txt are requirements too). */
export function lockfileKind(path: string): string | undefined {
  const base = path.split('/').pop()!;
  if (base in LOCKFILES) return base;
  if (/^requirements[\w.-]*\.txt$/.test(base) || /(^|\/)requirements\/[\w.-]+\.txt$/.test(path)) return 'requirements.txt';
  return undefined;
}

export interface SbomSubject {
  /** The image's first tag. */
  name: string;
  imageId: string;
  os: Record<string, string>;
  toolVersion: string;
}

/** The CycloneDX 1.6 document; the serial number derives from the image id, so one image gives one SBOM. */
export function cyclonedx(subject: SbomSubject, packages: SbomPackage[]): Record<string, unknown> {
  const hash = createHash('sha256').update(subject.imageId).digest('hex');
  const uuid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${((parseInt(hash[16]!, 16) & 3) | 8).toString(16)}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  const seen = new Set<string>();
  const components = [];
  for (const p of packages) {
    const ref = purl(p);
    if (seen.has(ref)) continue;
    seen.add(ref);
    components.push({
      type: 'library',
      'bom-ref': ref,
      ...(p.namespace && p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm' ? { group: p.namespace } : {}),
      name: p.name,
      version: p.version,
      purl: ref,
      ...(p.from ? { properties: [{ name: 'create-image:lockfile', value: p.from }] } : {}),
    });
  }
  const [repo, tag] = /^(.+?)(?::([^:/]+))?$/.exec(subject.name)!.slice(1);
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuid}`,
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'create-image', version: subject.toolVersion }] },
      component: {
        type: 'container',
        'bom-ref': subject.imageId,
        name: repo!,
        ...(tag ? { version: tag } : {}),
        properties: [{ name: 'create-image:image-id', value: subject.imageId }, ...(subject.os.PRETTY_NAME ? [{ name: 'create-image:os', value: subject.os.PRETTY_NAME }] : [])],
      },
    },
    components,
  };
}
