// The data templates see as `it`: answers resolved into facts (packages, commands, users), plus escapers.
// Everything family-specific is decided here or in families.ts, so templates only lay text out.
import { checkArgv, commandWords } from './command-words.js';
import { UsageError } from './errors.js';
import * as esc from './escape.js';
import { canDockerfile } from './escape.js';
import { matchesWhen, whenFacts } from './facts.js';
import {
  REDIS_STATE,
  CRON_LOG,
  SERVICES,
  SERVICE_ACCOUNT,
  dropPrivileges,
  dropPrivilegesPackages,
  webPort,
  addUserCommands,
  basePackages,
  localeCommands,
  osFacts,
  packageManager,
  repoSetupCommands,
  repoSetupRun,
  runtimePackages,
  timezoneCommands,
  userPackages,
  type OsFacts,
  type UserSpec,
} from './families.js';
import { TOOL_VERSIONS } from './releases.js';
import type { Answers, Family, Healthcheck, PortSpec, Recipe } from './types.js';
import { containerName, formatPort, manifestPorts, mergePorts } from './validate.js';

export interface EnvEntry {
  name: string;
  value?: string;
  description?: string;
  secret: boolean;
  required: boolean;
  /** Set with Dockerfile ENV (visible to `docker exec`); false when the value cannot be written there (newlines). */
  inDockerfile: boolean;
}

export interface RenderContext {
  tool: { name: string; version: string };
  recipe: { name: string; version: string; description: string; source: string };
  answers: Answers;
  set: Record<string, unknown>;
  imageName: string;
  /** The image name's last path component without tag (`ghcr.io/acme/web:1` -> web): also a valid npm package name. */
  shortName: string;
  base: string;
  family: Answers['family'];
  runtime: Answers['runtime'];
  tz: string;
  locale: string;
  services: string[];
  supervisor: Answers['supervisor'];
  /** How the container runs its services: one in the foreground, several under supervisord or the watchdog, or none. */
  process: 'single' | 'none' | Answers['supervisor'];
  /** The default command is a shell or a REPL (manifest `interactive`): it is run with `-it`, not detached. */
  interactive: boolean;
  /** Paths and file formats of the base image's family. */
  os: OsFacts;
  /** The recipe's own .dockerignore patterns (manifest `dockerignore`), written after the shared ones. */
  dockerignore?: { comment?: string; patterns: string[] };
  /** The manifest's package sets (`packages`), each the list for this family (empty when the set does not name it). */
  packages: Record<string, string[]>;
  /** The manifest's per-family values (`byFamily`), each this family's; reading one without a value for it throws. */
  byFamily: Record<string, string | number | boolean | string[]>;
  /** Recipe ports plus the user's, deduplicated. */
  ports: PortSpec[];
  volumes: string[];
  healthcheck?: Healthcheck;
  /** The runtime user, or null when the image must run as root. */
  user: UserSpec | null;
  env: EnvEntry[];
  caCerts: string[];
  /** Where caCopy() puts them in the image. */
  caDir: string;
  caInFinal: boolean;
  /** The exact versions of the tools templates install (uv, poetry, pnpm, corepack): releases.ts. */
  tools: typeof TOOL_VERSIONS;
  /** Where services keep what their entrypoint writes at start (redis's password). */
  serviceState: { redis: string };
  /** cron's jobs: the account they run as and the pipe their output reaches the container log through. */
  cron: { user: UserSpec; log: string };
  /** In an image that runs as root: the account its other services run as (`processes`), or run their jobs as (`jobs`). */
  serviceAccount: { user: UserSpec; processes: string[]; jobs: string[] } | null;
  q: typeof esc;
  h: Helpers;
}

export interface Helpers {
  /** One RUN instruction from a list of commands, `set -eux` first, one command per line. */
  run(commands: string[]): string;
  /** Install commands for the base family (update, install, clean in one go). */
  install(pkgs: string[]): string[];
  /**
   * The setup RUN every image starts with: packages, CA certificates, timezone, locale, user. `preInstall`
   * commands run just before the install with the package lists fresh (after apt-get update on debian/ubuntu).
   */
  system(extra?: SystemOptions): string;
  /**
   * Where system() compiles the answers' locale (glibc's locale archive), for a final stage to copy from a
   * build stage; undefined when the locale needs no compiling (C.UTF-8) or the family ships it as packages.
   */
  compiledLocale(): string | undefined;
  /** Commands enabling the extra repository `pkgs` need on this family (EPEL on rhel), as a RUN of their own; else none. */
  repoSetup(pkgs: string[]): string[];
  /** Commands that fit the packaged service `name` to the container (listen port, logs, dirs); `port` defaults to the main one. */
  serviceSetup(name: string, port?: number): string[];
  /** The config files the chosen services read: `source` rendered by the recipe, `target` in the image. */
  serviceConfigs(): { source: string; target: string }[];
  /** The chosen services that need root to run (privileged port, privilege separation, cron). */
  rootServices(): string[];
  /** Commands that stop trusting the build-time CA certificates (unless they belong in the final image). */
  caRemove(): string[];
  /** `NODE_EXTRA_CA_CERTS=... ` for npm/node commands when CA certificates were given (node ignores the system store). */
  caEnvPrefix(): string;
  /** `COPY certs/ ...` when CA certificates were given (must precede `system`). */
  caCopy(): string;
  port(p: PortSpec): string;
  /** EXPOSE and VOLUME lines. */
  exposeAndVolumes(): string;
  healthcheckLine(): string;
  /** JSON exec-form array. */
  json(args: string[]): string;
  /** argv that starts a service in the foreground on this family. */
  serviceArgv(name: string): string[];
  /** A command line for supervisord's `command=` (shell-like quoting, % doubled). */
  supervisordCommand(argv: string[]): string;
  /** A command line for a POSIX shell script. */
  shCommand(argv: string[]): string;
  /** The argv of a `command` answer (validated when answered), e.g. for an exec-form CMD. */
  commandWords(text: string): string[];
  /** The port a single web service listens on: the first TCP port exposed that no other chosen service owns (redis 6379, ssh 22), or `fallback`. */
  firstTcpPort(fallback: number): number;
  /** Whether `port` is among the exposed ones (in a range counts): a service listens beyond loopback only then. */
  exposes(port: number, proto?: PortSpec['proto']): boolean;
  /** Text for HTML/XML content and attributes. */
  html(text: string): string;
  /**
   * Refuses the answers as a usage error (exit 2) naming the flag the user can change, e.g.
   * `it.h.refuse('--service', 'lnmp needs nginx and php-fpm')`: for combinations the manifest cannot state.
   */
  refuse(flag: string, message: string): never;
}

export interface SystemOptions {
  packages?: string[];
  preInstall?: string[];
  commands?: string[];
  runtime?: boolean;
  services?: boolean;
  user?: boolean;
  keepCa?: boolean;
  /** false in a build stage: the manifest's `addPackages` are for the image that runs. */
  addPackages?: boolean;
  /**
   * false: no locale packages or compilation here; the stage takes a compiled locale from another one
   * (see compiledLocale()).
   */
  locale?: boolean;
  /** false: the recipe's own healthcheck needs no curl (which the services' default one uses). */
  curl?: boolean;
  /**
   * Paths (globs) dpkg leaves out of every install, as the slim base images leave out documentation: files
   * nothing in the image reads. Written to a dpkg.cfg.d file that says how to undo it; Debian and Ubuntu only.
   */
  dpkgExclude?: string[];
}

export const CERT_DIR = '/usr/local/share/ca-certificates/create-image';

export function buildContext(recipe: Recipe, a: Answers, toolVersion: string): RenderContext {
  const m = recipe.manifest;
  const needsRoot = m.user === null || a.services.some((s) => SERVICES[s]?.needsRoot);
  const user: UserSpec | null = needsRoot ? null : { name: m.user ?? 'app', uid: 10001, home: `/home/${m.user ?? 'app'}` };
  // a root image's services that need no root run as (or run their jobs as) an account of their own
  const account: UserSpec | null = !user && a.services.some((s) => SERVICES[s]?.asAccount) ? SERVICE_ACCOUNT : null;
  const dropped = (name: string) => !user && SERVICES[name]?.asAccount === 'process';
  const facts = whenFacts(a, m.multiProcess);
  const processKind = facts.process as RenderContext['process'];
  const ports = mergePorts(manifestPorts(m), a.ports);

  const env: EnvEntry[] = [];
  for (const e of (m.env ?? []).filter((e) => matchesWhen(e.when, facts))) {
    const value = a.env[e.name] ?? e.default;
    env.push({
      name: e.name,
      ...(value !== undefined ? { value } : {}),
      ...(e.description ? { description: e.description } : {}),
      secret: !!e.secret,
      required: !!e.required,
      inDockerfile: !e.secret && value !== undefined && canDockerfile(value),
    });
  }
  for (const [name, value] of Object.entries(a.env)) {
    if (env.some((e) => e.name === name)) continue;
    env.push({ name, value, secret: false, required: false, inDockerfile: canDockerfile(value) });
  }
  for (const name of a.secrets ?? []) {
    if (!env.some((e) => e.name === name)) env.push({ name, description: 'secret given with --secret', secret: true, required: true, inDockerfile: false });
  }
  // node reads its own CA list, not the system's: with the --ca-cert CAs kept for run time, the bundle that holds them is added to it
  if (a.runtime.name === 'node' && a.caInFinal && a.caCerts.length && !env.some((e) => e.name === 'NODE_EXTRA_CA_CERTS')) {
    const bundle = osFacts(a.family).caBundle;
    env.push({ name: 'NODE_EXTRA_CA_CERTS', value: bundle, description: 'the system CA bundle, which holds the --ca-cert CAs (--ca-in-final)', secret: false, required: false, inDockerfile: true });
  }

  const pm = packageManager(a.family, a.base);
  const h: Helpers = {
    run: (commands) => `RUN set -eux; \\\n${commands.map((c) => `    ${c}`).join('; \\\n')}`,
    install: (pkgs) => (pkgs.length ? pm.install(unique(pkgs)) : []),
    caRemove: () => (a.caCerts.length && !a.caInFinal ? [`rm -rf ${CERT_DIR}`, 'update-ca-certificates --fresh'] : []),
    caEnvPrefix: () => (a.caCerts.length ? 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt ' : ''),
    caCopy: () => (a.caCerts.length ? `COPY certs/ ${CERT_DIR}/` : ''),
    system: (extra = {}) => {
      const withServices = extra.services ?? true;
      const services = withServices ? a.services : [];
      // several processes: two or more services, or the recipe's own (manifest multiProcess)
      const supervised = withServices && (processKind === 'supervisord' || processKind === 'watchdog') ? processKind : undefined;
      const pkgs = unique([
        ...basePackages(a.family, { tzdata: true, localeName: extra.locale === false ? 'C.UTF-8' : a.locale, ca: a.caCerts.length > 0 }),
        ...(extra.runtime === false ? [] : runtimePackages(a.runtime, a.family, a.base)),
        ...services.flatMap((s) => [...(SERVICES[s]?.packages[a.family] ?? []), ...(SERVICES[s]?.probePackages?.(a.family, services) ?? [])]),
        ...(supervised === 'supervisord' ? ['supervisor'] : []),
        ...(supervised === 'watchdog' ? ['tini'] : []),
        ...(extra.curl !== false && services.some((s) => SERVICES[s]?.healthCurl) ? ['curl'] : []),
        ...(user || (withServices && account) ? userPackages(a.family, a.base) : []),
        ...(services.some(dropped) ? dropPrivilegesPackages(a.family) : []),
        ...(extra.packages ?? []),
        ...(extra.addPackages === false ? [] : (m.addPackages?.[a.family] ?? [])),
      ]);
      const cmds = [
        ...repoSetupCommands(a.family, a.base, pkgs),
        // Debian's slim images drop /usr/share/man, and the OpenJDK postinst fails linking its man page there.
        ...((a.family === 'debian' || a.family === 'ubuntu') && pkgs.some((p) => /^(openjdk-\d+|default)-j/.test(p)) ? ['mkdir -p /usr/share/man/man1'] : []),
        ...withPreInstall(pm.install(pkgs), [...dpkgExcludeCommands(m.name, a.family, extra.dpkgExclude ?? []), ...(extra.preInstall ?? [])]),
        ...(a.caCerts.length ? ['update-ca-certificates'] : []),
        ...timezoneCommands(a.tz),
        ...(extra.locale === false ? [] : localeCommands(a.family, a.locale)),
        ...(services.includes('php-fpm') ? ['for f in /usr/sbin/php-fpm* /usr/sbin/php-fpm; do if [ -x "$f" ]; then ln -sf "$f" /usr/local/sbin/php-fpm; break; fi; done'] : []),
        ...(extra.user === false || !user ? [] : addUserCommands(a.family, user)),
        ...(withServices && account ? addUserCommands(a.family, account) : []),
        ...(extra.commands ?? []),
        ...(extra.keepCa ? [] : h.caRemove()),
      ];
      const prefix = a.family === 'debian' || a.family === 'ubuntu' ? 'ARG DEBIAN_FRONTEND=noninteractive\n' : '';
      return prefix + h.run(cmds);
    },
    repoSetup: (pkgs) => repoSetupRun(a.family, a.base, pkgs),
    compiledLocale: () => (localeCommands(a.family, a.locale).length ? '/usr/lib/locale/locale-archive' : undefined),
    serviceSetup: (name, port) => SERVICES[name]?.setup?.(a.family, { port: port ?? h.firstTcpPort(SERVICES[name]?.port ?? 8080), user: dropped(name) ? account : user, services: a.services }) ?? [],
    serviceConfigs: () =>
      Object.entries(SERVICES)
        .filter(([name, def]) => def.config && a.services.includes(name))
        .map(([, def]) => ({ source: def.config!.source, target: def.config!.target(a.family) })),
    rootServices: () => a.services.filter((s) => SERVICES[s]?.needsRoot),
    port: formatPort,
    exposeAndVolumes: () => {
      const lines: string[] = [];
      if (ports.length) lines.push(`EXPOSE ${ports.map((p) => `${formatPort(p)}${p.proto === 'tcp' ? '/tcp' : ''}`).join(' ')}`);
      if ((m.volumes ?? []).length) lines.push(`VOLUME ${esc.dockerfileJsonArray(m.volumes!)}`);
      return lines.join('\n');
    },
    healthcheckLine: () => {
      const hc = m.healthcheck ?? defaultHealthcheck(a, ports);
      if (!hc) return '';
      const opts = [
        `--interval=${hc.interval ?? '30s'}`,
        `--timeout=${hc.timeout ?? '5s'}`,
        `--start-period=${hc.startPeriod ?? '10s'}`,
        `--retries=${hc.retries ?? 3}`,
      ];
      return `HEALTHCHECK ${opts.join(' ')} \\\n  CMD ${esc.dockerfileJsonArray(checkArgv(hc.cmd))}`;
    },
    json: esc.dockerfileJsonArray,
    serviceArgv: (name) => {
      const def = SERVICES[name];
      if (!def) throw new Error(`unknown service "${name}"`);
      return dropped(name) ? dropPrivileges(a.family, account!, def.command[a.family]) : def.command[a.family];
    },
    supervisordCommand: esc.supervisordCommand,
    shCommand: esc.shCommand,
    commandWords: (text) => {
      const r = commandWords(text);
      // answers are validated before rendering: this only guards a template handing in other text
      if (r.error !== undefined) throw new Error(`command ${JSON.stringify(text)} ${r.error}`);
      return r.words;
    },
    firstTcpPort: (fallback) => webPort(a.services, ports, fallback),
    exposes: (port, proto = 'tcp') => ports.some((p) => p.proto === proto && p.from <= port && port <= p.to),
    html: (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    refuse: (flag, message) => {
      throw new UsageError([{ path: flag, message }]);
    },
  };

  return {
    tool: { name: 'create-image', version: toolVersion },
    recipe: { name: m.name, version: m.version, description: m.description, source: recipe.source },
    answers: a,
    set: a.set,
    imageName: a.imageName,
    shortName: containerName(a.imageName),
    base: a.base,
    family: a.family,
    runtime: a.runtime,
    tz: a.tz,
    locale: a.locale,
    services: a.services,
    supervisor: a.supervisor,
    process: processKind,
    interactive: m.interactive === true || (typeof m.interactive === 'object' && matchesWhen(m.interactive, facts)),
    os: osFacts(a.family),
    ...(m.dockerignore ? { dockerignore: m.dockerignore } : {}),
    packages: Object.fromEntries(Object.entries(m.packages ?? {}).map(([name, sets]) => [name, sets[a.family] ?? []])),
    byFamily: familyValues(m.name, m.byFamily ?? {}, a.family),
    ports,
    volumes: m.volumes ?? [],
    ...(m.healthcheck ? { healthcheck: m.healthcheck } : {}),
    user,
    env,
    caCerts: a.caCerts.map((c) => c.name),
    caDir: CERT_DIR,
    tools: TOOL_VERSIONS,
    serviceState: { redis: REDIS_STATE },
    cron: { user: user ?? SERVICE_ACCOUNT, log: CRON_LOG },
    serviceAccount: account ? { user: account, processes: a.services.filter(dropped), jobs: a.services.filter((s) => SERVICES[s]?.asAccount === 'jobs') } : null,
    caInFinal: a.caInFinal,
    q: esc,
    h,
  };
}

/** `byFamily` resolved for `family`: a getter per name, so only a value a template actually reads must exist. */
function familyValues(recipe: string, values: NonNullable<Recipe['manifest']['byFamily']>, family: Family): RenderContext['byFamily'] {
  const out: RenderContext['byFamily'] = {};
  for (const [name, perFamily] of Object.entries(values)) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        const value = perFamily[family];
        if (value === undefined) throw new Error(`recipe ${recipe} has no byFamily.${name} for the ${family} family`);
        return value;
      },
    });
  }
  return out;
}

/** Without a recipe healthcheck: probe the first service that knows how to be probed. */
function defaultHealthcheck(a: Answers, ports: PortSpec[]): Healthcheck | undefined {
  for (const s of a.services) {
    const def = SERVICES[s];
    const port = def?.ownPort ?? webPort(a.services, ports, def?.port ?? 80);
    const cmd = def?.health?.(port, a.services);
    if (cmd) return { cmd };
  }
  return undefined;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The dpkg.cfg.d file that keeps `paths` out of later installs, with a first line on how to undo it. */
function dpkgExcludeCommands(recipe: string, family: Family, paths: string[]): string[] {
  if (!paths.length || (family !== 'debian' && family !== 'ubuntu')) return [];
  const why = `# create-image ${recipe}: files nothing in this image reads. To install them later, delete this file and reinstall their packages.`;
  return [`{ echo ${esc.sh(why)}; printf 'path-exclude %s\\n' ${paths.map((p) => esc.sh(p)).join(' ')}; } > /etc/dpkg/dpkg.cfg.d/create-image-${recipe}`];
}

/** Puts `pre` into an install command list right after its package-list refresh (apt-get update), else first. */
function withPreInstall(install: string[], pre: string[]): string[] {
  if (!pre.length) return install;
  const at = install[0] === 'apt-get update' ? 1 : 0;
  return [...install.slice(0, at), ...pre, ...install.slice(at)];
}
