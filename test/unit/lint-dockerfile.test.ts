import { describe, expect, it } from 'vitest';
import { formatFindings, lintDockerfile, looksSecret, type LintFinding } from '../../src/lint/dockerfile.js';

const lint = (text: string, opts?: Parameters<typeof lintDockerfile>[1]): LintFinding[] => lintDockerfile(text, opts);
const ids = (text: string, opts?: Parameters<typeof lintDockerfile>[1]): string[] => lint(text, opts).map((f) => `${f.rule}@${f.line}`);
const df = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** A final stage that passes the USER rule, so a snippet only shows the rule under test. */
const TAIL = 'USER app';

function expectRule(text: string, rule: string, line: number, severity: LintFinding['severity'] = 'error'): void {
  const hits = lint(text).filter((f) => f.rule === rule);
  expect(hits.map((f) => ({ line: f.line, severity: f.severity }))).toEqual([{ line, severity }]);
}

function expectClean(text: string, opts?: Parameters<typeof lintDockerfile>[1]): void {
  expect(lint(text, opts)).toEqual([]);
}

const REALISTIC = df(
  '# Built by create-image: a node service, built in one stage and run as `app` in the next.',
  'ARG BASE_IMAGE=node:20.12-bookworm-slim',
  '',
  'FROM ${BASE_IMAGE} AS build',
  'WORKDIR /src',
  'COPY package.json package-lock.json ./',
  'RUN --mount=type=cache,target=/root/.npm npm ci',
  'COPY . .',
  'RUN npm run build && npm prune --omit=dev',
  '',
  'FROM ${BASE_IMAGE}',
  'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  'ENV NODE_ENV=production \\',
  '    TZ=Etc/UTC \\',
  '    DB_PASSWORD_FILE=/run/secrets/db_password',
  'RUN apt-get update \\',
  '  # tini reaps zombies; ca-certificates for outgoing TLS',
  ' && apt-get install -y --no-install-recommends tini ca-certificates curl \\',
  ' && rm -rf /var/lib/apt/lists/* \\',
  ' && groupadd --system app \\',
  ' && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app',
  'WORKDIR /app',
  'COPY --from=build --chown=app:app /src/dist ./dist',
  'COPY --from=build --chown=app:app /src/node_modules ./node_modules',
  'COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh',
  'LABEL org.opencontainers.image.title="demo" org.opencontainers.image.authors="ops@example.com"',
  'EXPOSE 8080',
  'VOLUME ["/app/data"]',
  'HEALTHCHECK --interval=30s --timeout=5s CMD ["curl", "-fsS", "http://127.0.0.1:8080/health"]',
  'USER app',
  'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"]',
  'CMD ["node", "dist/server.js"]',
);

describe('lintDockerfile: a realistic file', () => {
  it('finds nothing in a clean multi-stage Dockerfile with a non-root user', () => {
    expectClean(REALISTIC);
  });

  it('finds nothing in clean alpine and rhel files', () => {
    expectClean(df('FROM alpine:3.20', 'RUN apk add --no-cache tini && adduser -D -u 10001 app', 'USER 10001', 'ENTRYPOINT ["/sbin/tini", "--"]', 'CMD ["sh", "-c", "exec sleep infinity"]'));
    expectClean(df('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4', 'RUN microdnf install -y shadow-utils && microdnf clean all && useradd -r app', 'USER app'));
    expectClean(df('FROM rockylinux:9.3', 'RUN dnf install -y --setopt=install_weak_deps=False tar && dnf clean all', 'USER 1001:0'));
  });

  it('formats findings as file:line rule severity: message', () => {
    const lines = formatFindings(lint(df('FROM debian:latest', TAIL)), 'Dockerfile');
    expect(lines).toEqual([expect.stringMatching(/^Dockerfile:1 DL3007 error: FROM debian:latest: do not use :latest/)]);
  });
});

describe('lintDockerfile: FROM (DL3006, DL3007)', () => {
  it('needs an explicit tag', () => {
    expectRule(df('FROM debian', TAIL), 'DL3006', 1);
    // The port of a registry is not a tag.
    expectRule(df('FROM localhost:5000/app', TAIL), 'DL3006', 1);
    expectClean(df('FROM debian:12-slim', TAIL));
    expectClean(df('FROM --platform=$BUILDPLATFORM localhost:5000/app:1.2 AS base', TAIL));
  });

  it('rejects latest but accepts digests, scratch and earlier stages', () => {
    expectRule(df('FROM debian:LATEST', TAIL), 'DL3007', 1);
    expectClean(df('FROM debian@sha256:0b2b7a2a0c3d4f8e1f6b9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', TAIL));
    expectClean(df('FROM golang:1.22 AS build', 'FROM scratch', 'COPY --from=build /go/bin/app /app', 'USER 65532', 'ENTRYPOINT ["/app"]'));
    expectClean(df('FROM debian:12 AS Base', TAIL, 'FROM base'));
  });

  it('follows ARG defaults in the image reference', () => {
    expectRule(df('ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}', TAIL), 'DL3006', 2);
    expectRule(df('FROM debian:12', 'ARG BASE_IMAGE=debian:12', 'FROM ${BASE_IMAGE}', TAIL), 'DL3006', 3); // stage ARGs do not apply to FROM
    expectRule(df('ARG BASE_IMAGE=debian:latest', 'FROM $BASE_IMAGE', TAIL), 'DL3007', 2);
    expectRule(df('ARG BASE_IMAGE=debian', 'FROM ${BASE_IMAGE}', TAIL), 'DL3006', 2);
    expectClean(df('ARG BASE_IMAGE=debian:12-slim', 'FROM ${BASE_IMAGE}', TAIL));
    expectClean(df('ARG TAG=12', 'FROM debian:${TAG}', TAIL));
    expectClean(df('ARG TAG', 'FROM debian:${TAG:-12}', TAIL));
  });
});

describe('lintDockerfile: package managers', () => {
  it('apt-get install needs -y (DL3014), --no-install-recommends (DL3015) and cleared lists (DL3009)', () => {
    const bad = df('FROM debian:12', 'RUN apt-get update && apt-get install curl', TAIL);
    expect(ids(bad)).toEqual(['DL3009@2', 'DL3014@2', 'DL3015@2']);
    expectRule(df('FROM debian:12', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', TAIL), 'DL3015', 2);
    // The lists must go in the RUN that fetched them: a later RUN cannot shrink an earlier layer.
    expect(ids(df('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', TAIL))).toEqual(['DL3009@2']);
    expectClean(df('FROM debian:12', 'RUN apt-get update \\', '  && DEBIAN_FRONTEND=noninteractive apt-get -qq install --no-install-recommends curl \\', '  && rm -rf /var/lib/apt/lists/*', TAIL));
  });

  it('accepts a cache mount for the apt lists instead of removing them', () => {
    expectClean(df('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl', TAIL));
    expectRule(df('FROM debian:12', 'RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y --no-install-recommends curl', TAIL), 'DL3009', 2);
  });

  it('apk add needs --no-cache (DL3019)', () => {
    expectRule(df('FROM alpine:3.20', 'RUN apk update && apk add curl', TAIL), 'DL3019', 2);
    expectClean(df('FROM alpine:3.20', 'RUN apk add --no-cache curl', TAIL));
  });

  it('dnf, microdnf and yum must clean up in the same RUN (DL3040, DL3032) and say -y (DL3038)', () => {
    expectRule(df('FROM fedora:40', 'RUN dnf install -y curl', TAIL), 'DL3040', 2);
    expectRule(df('FROM fedora:40', 'RUN dnf install curl && dnf clean all', TAIL), 'DL3038', 2);
    expectRule(df('FROM ubi9/ubi-minimal:9.4', 'RUN microdnf install curl', TAIL), 'DL3040', 2);
    expectRule(df('FROM centos:7', 'RUN yum install -y curl', TAIL), 'DL3032', 2);
    expectClean(df('FROM fedora:40', 'RUN dnf -y install curl && dnf clean all', TAIL));
    expectClean(df('FROM centos:7', 'RUN yum install -y curl && yum clean all', TAIL));
    expectClean(df('FROM fedora:40', 'RUN --mount=type=cache,target=/var/cache/dnf dnf install -y curl', TAIL));
  });

  it('does not use sudo (DL3004), but may install it', () => {
    expectRule(df('FROM debian:12', 'USER app', 'RUN sudo -E make install'), 'DL3004', 3);
    expectClean(df('FROM alpine:3.20', 'RUN apk add --no-cache sudo', TAIL));
  });
});

describe('lintDockerfile: instructions', () => {
  it('CMD and ENTRYPOINT use the exec form (DL3025)', () => {
    expectRule(df('FROM debian:12', TAIL, 'CMD node server.js'), 'DL3025', 3);
    expectRule(df('FROM debian:12', TAIL, "ENTRYPOINT ['/entrypoint.sh']"), 'DL3025', 3);
    expectClean(df('FROM debian:12', TAIL, 'ENTRYPOINT ["/entrypoint.sh"]', 'CMD []'));
  });

  it('WORKDIR is absolute (DL3000)', () => {
    expectRule(df('FROM debian:12', 'WORKDIR app', TAIL), 'DL3000', 2);
    expectClean(df('FROM debian:12', 'WORKDIR /app', 'WORKDIR $HOME', TAIL));
  });

  it('has no MAINTAINER (DL4000)', () => {
    expectRule(df('FROM debian:12', 'MAINTAINER ops@example.com', TAIL), 'DL4000', 2);
    expectClean(df('FROM debian:12', 'LABEL org.opencontainers.image.authors=ops@example.com', TAIL));
  });

  it('uses COPY for local files (DL3020), ADD for URLs and archives', () => {
    expectRule(df('FROM debian:12', 'ADD --chown=app:app app.conf /etc/app/', TAIL), 'DL3020', 2);
    expectClean(df('FROM debian:12', 'ADD rootfs.tar.gz /', 'ADD https://example.com/tool.bin /usr/local/bin/tool', 'ADD ["vendor.tgz", "/opt/"]', TAIL));
  });

  it('warns about pipes without pipefail (DL4006)', () => {
    expectRule(df('FROM debian:12', 'RUN curl -fsSL https://example.com/key | gpg --dearmor -o /k.gpg', TAIL), 'DL4006', 2, 'warning');
    expectRule(df('FROM debian:12', 'RUN a | b && set -o pipefail', TAIL), 'DL4006', 2, 'warning');
    expectClean(df('FROM debian:12', 'RUN set -eux -o pipefail; curl -fsSL https://example.com/key | gpg --dearmor -o /k.gpg', TAIL));
    expectClean(df('FROM debian:12', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN a | b', TAIL));
    expectClean(df('FROM debian:12', "RUN test -f x || grep -E 'a|b' /etc/hosts", TAIL));
    // SHELL is per stage.
    expectRule(df('FROM debian:12 AS a', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'FROM debian:12', 'RUN a | b', TAIL), 'DL4006', 4, 'warning');
  });
});

describe('lintDockerfile: USER of the final stage (DL3002)', () => {
  it('fails when the last USER of the final stage is root', () => {
    expectRule(df('FROM debian:12', 'USER app', 'RUN id', 'USER root'), 'DL3002', 4);
    expectRule(df('FROM debian:12', 'USER 0:0'), 'DL3002', 2);
    expectClean(df('FROM debian:12', 'USER root', 'RUN id', 'USER app'));
  });

  it('only looks at the final stage, which inherits from an earlier one', () => {
    expectClean(df('FROM debian:12 AS build', 'USER root', 'FROM debian:12', 'USER app'));
    expectClean(df('FROM debian:12 AS base', 'USER app', 'FROM base', 'CMD ["id"]'));
    expectRule(df('FROM debian:12 AS base', 'USER root', 'FROM base', 'CMD ["id"]'), 'DL3002', 2);
  });

  it('warns when the final stage never sets USER', () => {
    expectRule(df('FROM debian:12 AS build', 'USER app', 'FROM debian:12'), 'DL3002', 3, 'warning');
  });

  it('allows root with the option or a reasoned allow-root comment', () => {
    const root = df('# lint: allow-root vsftpd binds port 21 and drops privileges per session', 'FROM debian:12', 'USER root');
    expectClean(root);
    expectClean(df('FROM debian:12'), { allowRootUser: true });
    const noReason = lint(df('# lint: allow-root', 'FROM debian:12', 'USER root'));
    expect(noReason).toEqual([expect.objectContaining({ rule: 'DL3002', line: 3, message: expect.stringContaining('needs a reason') })]);
  });
});

describe('lintDockerfile: our rules', () => {
  it('has no # syntax= directive (CI001)', () => {
    expectRule(df('# syntax=docker/dockerfile:1.7', 'FROM debian:12', TAIL), 'CI001', 1);
    expectRule(df('# escape=\\', '#syntax = docker/dockerfile:1', 'FROM debian:12', TAIL), 'CI001', 2);
    expectClean(df('# this file is generated; syntax is the built-in one', 'FROM debian:12', TAIL));
  });

  it('keeps secret values out of ENV, ARG and LABEL (CI002)', () => {
    expectRule(df('FROM debian:12', 'ENV DB_PASSWORD=hunter2', TAIL), 'CI002', 2);
    expectRule(df('FROM debian:12', 'ENV GITHUB_TOKEN ghp_abc', TAIL), 'CI002', 2);
    expectRule(df('ARG apiKey=abc', 'FROM debian:12', TAIL), 'CI002', 1);
    expectRule(df('FROM debian:12', 'LABEL "com.example.private-key"="-----BEGIN"', TAIL), 'CI002', 2);
    expectRule(df('FROM debian:12', 'ENV A=1 \\', '    APP_SECRET=$APP_SECRET', TAIL), 'CI002', 2);
    expectClean(df('FROM debian:12', 'ARG GITHUB_TOKEN', 'ENV DB_PASSWORD_FILE=/run/secrets/db DB_PASSWORD="" TOKENIZER=bpe', TAIL));
  });

  it('recognises secret key names as word parts', () => {
    for (const k of ['PASSWORD', 'db_passwd', 'client-secret', 'AUTH_TOKEN', 'API_KEY', 'apiKey', 'ssh.private_key', 'APP_SECRETS']) expect(looksSecret(k), k).toBe(true);
    for (const k of ['PASSWORD_FILE', 'TOKENIZER', 'KEYRING', 'API_URL', 'PRIVATE_DIR', 'secretary']) expect(looksSecret(k), k).toBe(false);
  });
});

describe('lintDockerfile: parsing', () => {
  it('reports a continued instruction at the line it starts on, skipping comment lines', () => {
    const text = df('FROM debian:12', 'RUN apt-get update \\', '# a comment inside the RUN', '  && apt-get install -y curl', TAIL);
    expect(ids(text)).toEqual(['DL3009@2', 'DL3015@2']);
  });

  it('honours the escape directive', () => {
    const text = df('# escape=`', 'FROM debian:12', 'RUN apt-get update `', '  && apt-get install -y --no-install-recommends curl `', '  && rm -rf /var/lib/apt/lists/*', TAIL);
    expectClean(text);
  });

  it('reads instructions in any case (dockerfile-utils still asks for upper case)', () => {
    const text = df('from debian:latest', 'user root');
    expect(ids(text)).toEqual(['DL3007@1', 'DU0@1', 'DL3002@2', 'DU0@2']);
    expect(lint(text).find((f) => f.rule === 'DU0')?.severity).toBe('warning');
  });

  it('passes on what dockerfile-utils finds', () => {
    expectRule(df('FROM debian:12', 'EXPOSE 80/xyz', TAIL), 'DU25', 2);
    expectRule(df('FROM debian:12', 'FOO bar', TAIL), 'DU38', 2);
  });

  it('drops comment lines inside a continued RUN even when they are indented', () => {
    // the flag on the line after the comment still belongs to apt-get
    expectClean(df('FROM debian:12', 'RUN apt-get update && apt-get install -y \\', '    # keep the image small', '    --no-install-recommends curl \\', '  && rm -rf /var/lib/apt/lists/*', TAIL));
    expectClean(df('FROM debian:12', 'ENV A=1 \\', '  # DB_PASSWORD=x is not set here', '  B=2', TAIL));
  });

  it('reads shell scripts as sh does: `#` inside a word, redirections, newlines in exec form', () => {
    expectClean(df('FROM debian:12', 'RUN apt-get update && sed -i s#a#b# /etc/x && apt-get install -y --no-install-recommends c && rm -rf /var/lib/apt/lists/*', TAIL));
    expect(ids(df('FROM debian:12', 'RUN >/dev/null apt-get install curl 2>&1', TAIL))).toEqual(['DL3009@2', 'DL3014@2', 'DL3015@2']);
    expectClean(df('FROM debian:12', 'RUN ["/bin/sh", "-c", "apt-get update # refresh\\nrm -rf /var/lib/apt/lists/*"]', TAIL));
    expectRule(df('FROM debian:12', 'RUN ["/bin/sh", "-c", "set -e\\ncurl -fsSL https://example.com/k | gpg --dearmor -o /k.gpg"]', TAIL), 'DL4006', 2, 'warning');
  });

  it('checks the script of RUN <<EOF, but not here-documents that are file contents', () => {
    expect(ids(df('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'apt-get install -y \\', '  curl', 'EOF', TAIL))).toEqual(['DL3009@2', 'DL3015@2']);
    expectClean(df('FROM debian:12', 'RUN <<EOF', 'set -e', 'apt-get update', 'apt-get install -y --no-install-recommends curl', 'rm -rf /var/lib/apt/lists/*', 'EOF', TAIL));
    expectClean(df('FROM debian:12', 'RUN cat <<EOF > /etc/motd', 'run apt-get install curl | tee', 'EOF', TAIL));
  });

  it('checks ONBUILD triggers without letting them change the USER', () => {
    expectRule(df('FROM debian:12', 'ONBUILD ADD . /src', TAIL), 'DL3020', 2);
    expectClean(df('FROM debian:12', TAIL, 'ONBUILD USER root'));
  });
});
