// A TLS server with a CA of its own, on a network of its own, for the stack probes of the app e2e: an
// app image given that CA (--ca-cert, --ca-in-final) and run on the network must resolve the server's
// name (the engine's DNS), fetch its page over TLS (the CA bundle), and report the zone it was built for.
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { docker, onCleanup, tempDir, uniqueName, waitFor } from './engine.js';

export const PROBE_HOST = 'tls-probe';
export const PROBE_URL = `https://${PROBE_HOST}:8443/`;
/** What the server answers. */
export const PROBE_BODY = 'tls probe ok';
/** An image the tests have already (scripts/ci/node-images.sh makes it) with a runtime that serves TLS. */
const SERVER_IMAGE = 'node:24-trixie-slim';

export interface TlsProbe {
  network: string;
  /** The CA's certificate (PEM, no key): what --ca-cert is given. */
  caFile: string;
}

/**
 * Makes the CA and the server's certificate (for PROBE_HOST: subjectAltName and key identifiers, as
 * Python's strict X.509 checks want), starts the server on a new network, and waits until it answers.
 */
export async function startTlsProbe(): Promise<TlsProbe> {
  const dir = await tempDir('ci-tls-probe-');
  const ssl = (args: string[]) => execa('openssl', args, { cwd: dir });
  await ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=create-image test CA', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash']);
  await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${PROBE_HOST}`, '-keyout', 'key.pem', '-out', 'server.csr']);
  await writeFile(path.join(dir, 'server.ext'), [`subjectAltName=DNS:${PROBE_HOST}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'].join('\n'));
  await ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'cert.pem']);
  // the key is read by the server's user
  await execa('chmod', ['a+r', path.join(dir, 'key.pem')]);

  const network = uniqueName('ci-probe-net');
  await docker(['network', 'create', network]);
  onCleanup(() => docker(['network', 'rm', network], { reject: false }));
  const server = "require('https').createServer({ key: require('fs').readFileSync('/tls/key.pem'), cert: require('fs').readFileSync('/tls/cert.pem') }, (q, s) => s.end('" + PROBE_BODY + "')).listen(8443)";
  const id = (await docker(['run', '-d', '--network', network, '--network-alias', PROBE_HOST, '-v', `${dir}:/tls:ro`, '--entrypoint', 'node', SERVER_IMAGE, '-e', server])).stdout.trim();
  onCleanup(() => docker(['rm', '-f', id], { reject: false }));
  // answering, as seen from the network (through the CA, so a bad certificate shows here first)
  await waitFor('the TLS probe server', async () => {
    const r = await docker(['run', '--rm', '--network', network, '-v', `${dir}:/tls:ro`, '--entrypoint', 'node', SERVER_IMAGE, '-e',
      `require('https').get('${PROBE_URL}', { ca: require('fs').readFileSync('/tls/ca.pem') }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`], { reject: false });
    return r.exitCode === 0;
  }, 60_000);
  return { network, caFile: path.join(dir, 'ca.pem') };
}

/** The lines every stack's probe prints when its runtime did all three. */
export const PROBE_OUTPUT = [new RegExp(`^resolved ${PROBE_HOST} true$`, 'm'), new RegExp(`^tls 200 ${PROBE_BODY}$`, 'm')];
export const zoneLine = (offset: string) => new RegExp(`^zone \\${offset}$`, 'm');
