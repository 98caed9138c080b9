// A build that could not reach a package registry is told in one line: the tool, the registry and host,
// the reason, what to do. The pip, go and apt lines are taken from real builds on an engine without those
// registries; the others follow the tools' own message formats.
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/engines/build.js';
import type { Builder } from '../../src/engines/builder.js';
import { describeNetworkFailure, failingStep, networkFailure, type NetworkFailure } from '../../src/engines/network-failure.js';

/** A classic builder's log of a failing RUN step. */
function classic(command: string, output: string[]): string[] {
  return [
    'Step 6/20 : COPY go.mod go.sum* ./',
    ' ---> Using cache',
    ' ---> 77d7b517a4e6',
    `Step 7/20 : RUN ${command}`,
    ' ---> Running in 8ad8f74a0920',
    ...output,
    'Removing intermediate container 8ad8f74a0920',
    `The command '/bin/sh -c ${command}' returned a non-zero code: 1`,
  ];
}

const PIP_RETRY = (n: number, why: string) =>
  `WARNING: Retrying (Retry(total=${n}, connect=None, read=None, redirect=None, status=None)) after connection broken by '${why}': /simple/flask/`;
const PIP_DNS = "NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f073db7f510>: Failed to establish a new connection: [Errno -2] Name or service not known')";
const PIP_TAIL = ['ERROR: Could not find a version that satisfies the requirement flask==3.0.3 (from versions: none)', 'ERROR: No matching distribution found for flask==3.0.3'];
const PIP_CMD = 'set -eux;     pip install --no-cache-dir -r requirements.txt';
const GO_DNS = 'go: github.com/google/uuid@v1.6.0: Get "https://proxy.golang.org/github.com/google/uuid/@v/v1.6.0.mod": dial tcp: lookup proxy.golang.org on 10.255.255.53:53: no such host';
const APT_CMD = 'set -eux;     apt-get update;     apt-get install -y --no-install-recommends ca-certificates tzdata golang-go';

function found(tool: string, registry: string | undefined, host: string, reason: NetworkFailure['reason']): NetworkFailure {
  return { tool, ...(registry ? { registry } : {}), host, reason };
}

describe('networkFailure: each tool, from its own messages', () => {
  const cases: Array<[string, string[], NetworkFailure]> = [
    ['pip, DNS (real)', classic(PIP_CMD, ['+ pip install --no-cache-dir -r requirements.txt', ...[4, 3, 2, 1, 0].map((n) => PIP_RETRY(n, PIP_DNS)), ...PIP_TAIL]), found('pip', 'PyPI', 'pypi.org', 'name not resolved')],
    [
      'pip, a custom index it names',
      classic(PIP_CMD, ['Looking in indexes: https://pypi.corp.example/simple', PIP_RETRY(0, "ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f1>, 'Connection to pypi.corp.example timed out. (connect timeout=15)')"), ...PIP_TAIL]),
      found('pip', undefined, 'pypi.corp.example', 'timed out'),
    ],
    [
      'pip, TLS intercepted',
      classic(PIP_CMD, [PIP_RETRY(0, "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1006)'))"), ...PIP_TAIL]),
      found('pip', 'PyPI', 'pypi.org', 'certificate not trusted'),
    ],
    [
      'pip, a wheel from files.pythonhosted.org',
      classic(PIP_CMD, ["ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Max retries exceeded with url: /packages/29/c1/requests-2.25.1-py2.py3-none-any.whl (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 101] Network is unreachable'))"]),
      found('pip', 'PyPI', 'files.pythonhosted.org', 'network unreachable'),
    ],
    [
      'uv',
      classic('set -eux; UV_PROJECT_ENVIRONMENT=/venv /opt/uv/bin/uv sync --frozen --no-dev --no-install-project', [
        'error: Failed to fetch: `https://pypi.org/simple/flask/`',
        '  Caused by: Request failed after 3 retries',
        '  Caused by: error sending request for url (https://pypi.org/simple/flask/)',
        '  Caused by: client error (Connect)',
        '  Caused by: dns error: failed to lookup address information: Temporary failure in name resolution',
      ]),
      found('uv', 'PyPI', 'pypi.org', 'name not resolved'),
    ],
    [
      'poetry',
      classic('set -eux; POETRY_VIRTUALENVS_CREATE=false /opt/poetry/bin/poetry install --only main --no-root --no-interaction', [
        "  HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /pypi/flask/3.0.3/json (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f5dd440>: Failed to establish a new connection: [Errno 111] Connection refused'))",
      ]),
      found('poetry', 'PyPI', 'pypi.org', 'connection refused'),
    ],
    ['go, DNS (real)', classic('go mod download', [GO_DNS]), found('go', 'the Go module proxy', 'proxy.golang.org', 'name not resolved')],
    [
      'go, sum.golang.org timing out',
      classic('go mod download', ['go: github.com/google/uuid@v1.6.0: verifying module: github.com/google/uuid@v1.6.0: Get "https://sum.golang.org/lookup/github.com/google/uuid@v1.6.0": dial tcp 142.250.74.17:443: i/o timeout']),
      found('go', 'the Go module proxy', 'sum.golang.org', 'timed out'),
    ],
    [
      'go, TLS intercepted',
      classic('go mod download', ['go: github.com/google/uuid@v1.6.0: Get "https://proxy.golang.org/github.com/google/uuid/@v/v1.6.0.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority']),
      found('go', 'the Go module proxy', 'proxy.golang.org', 'certificate not trusted'),
    ],
    [
      'go in direct mode: a host that is no registry, in a step that fetches',
      classic('go mod download', ['go: example.org/lib@v1.2.0: unrecognized import path "example.org/lib": https fetch: Get "https://example.org/lib?go-get=1": dial tcp: lookup example.org: no such host']),
      found('go', undefined, 'example.org', 'name not resolved'),
    ],
    [
      'Maven, unknown host',
      classic('mvn -B -q dependency:go-offline', [
        '[ERROR] Failed to execute goal on project demo: Could not resolve dependencies for project com.example:demo:jar:1.0: Failed to collect dependencies at org.springframework:spring-core:jar:6.1.0: Failed to read artifact descriptor for org.springframework:spring-core:jar:6.1.0: Could not transfer artifact org.springframework:spring-core:pom:6.1.0 from/to central (https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven.apache.org/maven2/org/springframework/spring-core/6.1.0/spring-core-6.1.0.pom: Unknown host repo.maven.apache.org: Temporary failure in name resolution -> [Help 1]',
        '[ERROR] ',
        '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
        '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
      ]),
      found('Maven', 'Maven Central', 'repo.maven.apache.org', 'name not resolved'),
    ],
    [
      'Maven -q, Central unreachable (real, Debian Maven 3.8: only the plugin it could not find, and where it looked)',
      classic('mvn -B -q dependency:go-offline', [
        "[ERROR] No plugin found for prefix 'dependency' in the current project and in the plugin groups [org.apache.maven.plugins, org.codehaus.mojo] available from the repositories [local (/root/.m2/repository), central (https://repo.maven.apache.org/maven2)] -> [Help 1]",
        '[ERROR] ',
        '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
        '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
        '[ERROR] ',
        '[ERROR] For more information about the errors and possible solutions, please read the following articles:',
        '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/NoPluginFoundForPrefixException',
      ]),
      found('Maven', 'Maven Central', 'repo.maven.apache.org', 'transfer failed'),
    ],
    [
      'Maven without -q (real): transfer failed, no cause given',
      classic('mvn -B dependency:go-offline', [
        '[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/maven/plugins/maven-metadata.xml',
        '[WARNING] Could not transfer metadata org.apache.maven.plugins/maven-metadata.xml from/to central (https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven.apache.org/maven2/org/apache/maven/plugins/maven-metadata.xml',
        '[INFO] BUILD FAILURE',
      ]),
      found('Maven', 'Maven Central', 'repo.maven.apache.org', 'transfer failed'),
    ],
    [
      'Maven, connect timed out',
      classic('mvn -B -q dependency:go-offline', [
        '[ERROR] Plugin org.apache.maven.plugins:maven-resources-plugin:2.6 or one of its dependencies could not be resolved: Failed to read artifact descriptor for org.apache.maven.plugins:maven-resources-plugin:jar:2.6: Could not transfer artifact org.apache.maven.plugins:maven-resources-plugin:pom:2.6 from/to central (https://repo.maven.apache.org/maven2): Connect to repo.maven.apache.org:443 [repo.maven.apache.org/151.101.112.215] failed: Connection timed out (Connection timed out) -> [Help 1]',
      ]),
      found('Maven', 'Maven Central', 'repo.maven.apache.org', 'timed out'),
    ],
    [
      'Maven, TLS intercepted',
      classic('mvn -B -q dependency:go-offline', [
        '[ERROR] Failed to execute goal on project demo: Could not resolve dependencies for project com.example:demo:jar:1.0: Could not transfer artifact junit:junit:pom:4.13.2 from/to central (https://repo1.maven.org/maven2): PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target -> [Help 1]',
      ]),
      found('Maven', 'Maven Central', 'repo1.maven.org', 'certificate not trusted'),
    ],
    [
      'Gradle, the plugin portal',
      classic('gradle --no-daemon dependencies', [
        '* What went wrong:',
        "Error resolving plugin [id: 'org.springframework.boot', version: '3.2.0']",
        "> Could not GET 'https://plugins.gradle.org/api/gradle/8.5/plugin/use/org.springframework.boot/3.2.0'.",
        '   > plugins.gradle.org: Temporary failure in name resolution',
      ]),
      found('Gradle', 'the Gradle services', 'plugins.gradle.org', 'name not resolved'),
    ],
    [
      'Gradle, Maven Central (a dependency it could not resolve is not a host)',
      classic('gradle --no-daemon dependencies', [
        "> Could not resolve all files for configuration ':compileClasspath'.",
        '   > Could not resolve org.junit:junit-bom:5.11.4.',
        "         > Could not GET 'https://repo.maven.apache.org/maven2/org/junit/junit-bom/5.11.4/junit-bom-5.11.4.pom'.",
        '            > repo.maven.apache.org: Temporary failure in name resolution',
      ]),
      found('Gradle', 'Maven Central', 'repo.maven.apache.org', 'name not resolved'),
    ],
    [
      'npm (9 and later)',
      classic('if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi', [
        'npm error code EAI_AGAIN',
        'npm error syscall getaddrinfo',
        'npm error errno EAI_AGAIN',
        'npm error request to https://registry.npmjs.org/express failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org',
        'npm error A complete log of this run can be found in: /root/.npm/_logs/2025-01-01T00_00_00_000Z-debug-0.log',
      ]),
      found('npm', 'the npm registry', 'registry.npmjs.org', 'name not resolved'),
    ],
    [
      'npm, refused (real: Debian npm 9 with an https_proxy build arg pointing at a closed port)',
      classic('if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm ci --omit=dev; else NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm install --omit=dev; fi', [
        'npm ERR! code ECONNREFUSED',
        'npm ERR! syscall connect',
        'npm ERR! errno ECONNREFUSED',
        'npm ERR! FetchError: request to https://registry.npmjs.org/vary failed, reason: connect ECONNREFUSED 127.0.0.1:9',
        'npm ERR!     at ClientRequest.<anonymous> (/usr/share/nodejs/minipass-fetch/lib/index.js:130:14)',
        'npm ERR!     at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {',
        "npm ERR!   code: 'ECONNREFUSED',",
        "npm ERR!   errno: 'ECONNREFUSED',",
        "npm ERR!   syscall: 'connect',",
        "npm ERR!   address: '127.0.0.1',",
        'npm ERR!   port: 9,',
        "npm ERR!   type: 'system',",
        'npm ERR! }',
        'npm ERR! ',
        'npm ERR! If you are behind a proxy, please make sure that the',
        "npm ERR! 'proxy' config is set properly.  See: 'npm help config'",
      ]),
      found('npm', 'the npm registry', 'registry.npmjs.org', 'connection refused'),
    ],
    [
      'npm, timed out',
      classic('npm ci --omit=dev', [
        'npm ERR! code ETIMEDOUT',
        'npm ERR! errno ETIMEDOUT',
        'npm ERR! network request to https://registry.npmjs.org/express failed, reason: connect ETIMEDOUT 104.16.0.35:443',
        'npm ERR! network This is a problem related to network connectivity.',
        "npm ERR! network In most cases you are behind a proxy or have bad network settings.",
      ]),
      found('npm', 'the npm registry', 'registry.npmjs.org', 'timed out'),
    ],
    [
      'npm, TLS intercepted',
      classic('npm ci --omit=dev', [
        'npm ERR! code SELF_SIGNED_CERT_IN_CHAIN',
        'npm ERR! errno SELF_SIGNED_CERT_IN_CHAIN',
        'npm ERR! request to https://registry.npmjs.org/express failed, reason: self-signed certificate in certificate chain',
      ]),
      found('npm', 'the npm registry', 'registry.npmjs.org', 'certificate not trusted'),
    ],
    [
      'yarn',
      classic('yarnpkg install --frozen-lockfile --production', [
        '[2/4] Fetching packages...',
        'error An unexpected error occurred: "https://registry.yarnpkg.com/express/-/express-4.19.2.tgz: getaddrinfo ENOTFOUND registry.yarnpkg.com".',
        'info If you think this is a bug, please open a bug report with the information provided in "/app/yarn-error.log".',
      ]),
      found('yarn', 'the npm registry', 'registry.yarnpkg.com', 'name not resolved'),
    ],
    [
      'pnpm',
      classic('pnpm install --frozen-lockfile --prod', [
        ' WARN  GET https://registry.npmjs.org/express error (ECONNREFUSED). Will retry in 10 seconds. 2 retries left.',
        ' ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/express: request to https://registry.npmjs.org/express failed, reason: connect ECONNREFUSED 104.16.0.35:443',
      ]),
      found('pnpm', 'the npm registry', 'registry.npmjs.org', 'connection refused'),
    ],
    [
      'Composer',
      classic('composer install --no-dev --no-interaction --no-scripts --no-autoloader --prefer-dist', [
        'Loading composer repositories with package information',
        'https://repo.packagist.org could not be fully loaded (curl error 6 while downloading https://repo.packagist.org/packages.json: Could not resolve host: repo.packagist.org), package information was loaded from the local cache and may be out of date',
      ]),
      found('Composer', 'Packagist', 'repo.packagist.org', 'name not resolved'),
    ],
    [
      'Composer, TLS intercepted',
      classic('composer install --no-dev', ['  curl error 60 while downloading https://repo.packagist.org/packages.json: SSL certificate problem: unable to get local issuer certificate']),
      found('Composer', 'Packagist', 'repo.packagist.org', 'certificate not trusted'),
    ],
    [
      'Bundler',
      classic('bundle install --jobs 4 && rm -rf /usr/local/bundle/cache', [
        'Fetching gem metadata from https://rubygems.org/',
        'Retrying fetcher due to error (2/4): Bundler::HTTPError Could not fetch specs from https://rubygems.org/ due to underlying error <Socket::ResolutionError: Failed to open TCP connection to index.rubygems.org:443 (getaddrinfo(3): Temporary failure in name resolution) (https://index.rubygems.org/versions)>',
      ]),
      found('Bundler', 'RubyGems', 'index.rubygems.org', 'name not resolved'),
    ],
    [
      'apt, DNS (real)',
      classic(APT_CMD, [
        'W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving \'deb.debian.org\'',
        'W: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/InRelease  Temporary failure resolving \'deb.debian.org\'',
        'W: Some index files failed to download. They have been ignored, or old ones used instead.',
        'Reading package lists...',
        'Building dependency tree...',
        'Package ca-certificates is not available, but is referred to by another package.',
        'E: Package \'ca-certificates\' has no installation candidate',
      ]),
      found('apt', "Debian's package mirror", 'deb.debian.org', 'name not resolved'),
    ],
    [
      'apt on Ubuntu, refused (the real line, from a proxy that refused)',
      classic(APT_CMD, ['W: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/noble/InRelease  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)', 'E: Unable to locate package golang-go']),
      found('apt', "Ubuntu's package mirror", 'archive.ubuntu.com', 'connection refused'),
    ],
    [
      'apk',
      classic('apk add --no-cache ca-certificates', ['fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz', 'WARNING: updating and opening https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error', 'ERROR: unable to select packages:']),
      found('apk', "Alpine's package mirror", 'dl-cdn.alpinelinux.org', 'name not resolved'),
    ],
    [
      'dnf',
      classic('dnf install -y ca-certificates', ["Curl error (6): Couldn't resolve host name for https://mirrors.fedoraproject.org/metalink?repo=fedora-40&arch=x86_64 [Could not resolve host: mirrors.fedoraproject.org]"]),
      found('dnf', "Fedora's package mirrors", 'mirrors.fedoraproject.org', 'name not resolved'),
    ],
  ];
  for (const [name, lines, want] of cases) {
    it(name, () => expect(networkFailure(lines)).toEqual(want));
  }

  it('a proxy that failed is told as the proxy (real pip and go lines with https_proxy pointing at a closed port)', () => {
    const pip = networkFailure(classic(PIP_CMD, [PIP_RETRY(0, "ProxyError('Cannot connect to proxy.', NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fcb34093190>: Failed to establish a new connection: [Errno 111] Connection refused'))"), ...PIP_TAIL]));
    expect(pip).toEqual({ ...found('pip', 'PyPI', 'pypi.org', 'connection refused'), viaProxy: true });
    const go = networkFailure(classic('go mod download', ['go: github.com/google/uuid@v1.6.0: Get "https://proxy.golang.org/github.com/google/uuid/@v/v1.6.0.mod": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused']));
    expect(go).toEqual({ ...found('go', 'the Go module proxy', 'proxy.golang.org', 'connection refused'), viaProxy: true });
    expect(describeNetworkFailure(go!)).toMatch(/through its proxy: check the proxy address/);
  });
});

describe('networkFailure: the builders\' formats', () => {
  it('BuildKit (real, Debian docker 20.10): the failing step is read from its #N lines', () => {
    const lines = [
      '#8 [build 4/8] COPY go.mod go.sum* ./',
      '#8 DONE 0.0s',
      '',
      '#9 [build 5/8] RUN go mod download',
      '#9 sha256:90d0018994cd36a5b59ef0aae069eea27f0e641cd5d7b9937b90ced76e7f62dc',
      `#9 0.220 ${GO_DNS}`,
      '#9 ERROR: executor failed running [/bin/sh -c go mod download]: exit code: 1',
      '------',
      ' > [build 5/8] RUN go mod download:',
      '------',
      'executor failed running [/bin/sh -c go mod download]: exit code: 1',
    ];
    expect(failingStep(lines).command).toBe('RUN go mod download');
    expect(networkFailure(lines)).toEqual(found('go', 'the Go module proxy', 'proxy.golang.org', 'name not resolved'));
  });

  it('podman and buildah: STEP n/m:', () => {
    const lines = ['STEP 7/20: RUN go mod download', GO_DNS, 'Error: building at STEP "RUN go mod download": while running runtime: exit status 1'];
    expect(networkFailure(lines)).toEqual(found('go', 'the Go module proxy', 'proxy.golang.org', 'name not resolved'));
  });

  it('a tail without the step header still names a known registry', () => {
    expect(networkFailure([GO_DNS, "The command '/bin/sh -c go mod download' returned a non-zero code: 1"])?.registry).toBe('the Go module proxy');
  });
});

describe('networkFailure: failures that are not the network are left alone', () => {
  const negatives: Array<[string, string[]]> = [
    ['a Go compile error that mentions the network', classic('go build -ldflags "-s -w" -o /out/app .', ['# example.com/svc', './main.go:12:2: undefined: network.Dial', './main.go:14:9: "network timeout" (untyped string constant) is not used'])],
    ['a TypeScript error about a connection', classic('npm run build', ["src/db.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'. // connection refused retry count"])],
    ['a test that cannot reach its database (not a fetch step, not a registry)', classic('npm test', ['Error: connect ECONNREFUSED 127.0.0.1:5432', '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)'])],
    ['a package that does not exist (the registry answered)', classic('npm ci --omit=dev', ['npm ERR! code E404', "npm ERR! 404 Not Found - GET https://registry.npmjs.org/no-such-pkg-xyz - Not found"])],
    ['a version pip could not find (the index answered)', classic(PIP_CMD, ['ERROR: Could not find a version that satisfies the requirement flask==99 (from versions: 2.3.3, 3.0.3)', 'ERROR: No matching distribution found for flask==99'])],
    ['a Maven artifact that is missing (the repository answered)', classic('mvn -B -q dependency:go-offline', ['[ERROR] Failed to execute goal on project demo: Could not resolve dependencies for project com.example:demo:jar:1.0: Could not find artifact com.example:missing:jar:1.0 in central (https://repo.maven.apache.org/maven2) -> [Help 1]'])],
    [
      'a Maven plugin prefix nobody publishes (a typo, not the network)',
      classic('mvn -B -q jety:run', ["[ERROR] No plugin found for prefix 'jety' in the current project and in the plugin groups [org.apache.maven.plugins, org.codehaus.mojo] available from the repositories [local (/root/.m2/repository), central (https://repo.maven.apache.org/maven2)] -> [Help 1]"]),
    ],
    [
      "an earlier step's apt warning, then a compile error in the failing step",
      [
        `Step 3/20 : RUN ${APT_CMD}`,
        "W: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/InRelease  Temporary failure resolving 'deb.debian.org'",
        ' ---> 9400c1295983',
        ...classic('go build -ldflags "-s -w" -o /out/app .', ['./main.go:3:8: package github.com/x/y is not in std']),
      ],
    ],
  ];
  for (const [name, lines] of negatives) {
    it(name, () => expect(networkFailure(lines)).toBeUndefined());
  }
});

describe('the build failure message', () => {
  const docker: Builder = { kind: 'docker', bin: 'docker', env: {}, buildkit: false };
  const log = '/tmp/app/.create-image/build.log';

  it('is one line naming the tool, registry, host, reason and what to do, instead of the bare "returned a non-zero code"', () => {
    const lines = classic(PIP_CMD, ['+ pip install --no-cache-dir -r requirements.txt', ...[4, 3, 2, 1, 0].map((n) => PIP_RETRY(n, PIP_DNS)), ...PIP_TAIL]);
    const msg = failureMessage(docker, 1, lines, log);
    expect(msg).toBe(
      'docker build failed (exit code 1): pip could not reach PyPI (pypi.org: name not resolved): the build needs network access to it: ' +
        'make pypi.org reachable from the builder, or pass a proxy with --build-arg https_proxy=http://HOST:PORT; ' +
        `last 30 lines above, full log: ${log}`,
    );
    expect(msg).not.toContain('\n');
  });

  it('go also offers vendoring, apt the http_proxy it reads, Maven no proxy, TLS the --ca-cert flag', () => {
    expect(failureMessage(docker, 1, classic('go mod download', [GO_DNS]), log)).toContain(
      'go could not reach the Go module proxy (proxy.golang.org: name not resolved): the build needs network access to it: make proxy.golang.org reachable from the builder, pass a proxy with --build-arg https_proxy=http://HOST:PORT, or vendor the modules (go mod vendor);',
    );
    const apt = networkFailure(classic(APT_CMD, ["W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'"]))!;
    expect(describeNetworkFailure(apt)).toContain('--build-arg http_proxy=http://HOST:PORT');
    const maven = describeNetworkFailure(found('Maven', 'Maven Central', 'repo.maven.apache.org', 'timed out'));
    expect(maven).toBe('Maven could not reach Maven Central (repo.maven.apache.org: timed out): the build needs network access to it: make repo.maven.apache.org reachable from the builder (Maven reads no proxy from the environment)');
    expect(describeNetworkFailure(found('npm', 'the npm registry', 'registry.npmjs.org', 'certificate not trusted'))).toMatch(/does not trust the certificate registry\.npmjs\.org showed .*--ca-cert FILE/);
  });

  it('other failures keep the builder\'s own error line', () => {
    const msg = failureMessage(docker, 1, classic('npm test', ['Error: connect ECONNREFUSED 127.0.0.1:5432']), log);
    expect(msg).toBe(`docker build failed (exit code 1): The command '/bin/sh -c npm test' returned a non-zero code: 1; last 30 lines above, full log: ${log}`);
  });
});
