/**
 * TLS material for the caches' endpoints (issue 10): a local certificate authority and a server certificate for
 * 127.0.0.1 and localhost, made at `up` inside the state directory. Keys come from Node's crypto (native, fast); the
 * X.509 certificates are built with node-forge (pure JavaScript), so a fresh machine needs nothing beyond npm.
 * Clients trust `<state>/tls/ca.pem` (ioredis `tls: { ca }`, node-redis `socket: { tls: true, ca }`,
 * `redis-cli --tls --cacert`).
 */
import { generateKeyPair, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as forge from 'node-forge';
import { writeSecretFile, makePrivateDir } from './secure-files';

export interface TlsFiles {
  /** The local CA's certificate (PEM): what clients trust. */
  readonly caFile: string;
  /** The endpoint's certificate (PEM), signed by the CA. */
  readonly certFile: string;
  /** The endpoint's private key (PEM, 0600). */
  readonly keyFile: string;
}

export function tlsFiles(stateDir: string): TlsFiles {
  const dir = path.join(stateDir, 'tls');
  return { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server.key') };
}

const generateRsa = promisify(generateKeyPair);

/** An RSA key made natively on libuv's pool (both keys of a `makeTlsMaterial` are made at once, off the event loop). */
async function keyPair(): Promise<{ privatePem: string; publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey }> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  return { privatePem, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial (leading byte below 0x80).
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: subject }, { name: 'organizationName', value: 'amr emulator (local)' }]);
  return cert;
}

/**
 * Makes a fresh CA and server certificate in `<state>/tls` (dir 0700, keys 0600). The CA's key is not kept: nothing
 * else is ever signed with it, so a leaked state directory cannot mint certificates for other hosts.
 */
export async function makeTlsMaterial(stateDir: string): Promise<TlsFiles> {
  const files = tlsFiles(stateDir);
  makePrivateDir(path.dirname(files.caFile));
  const [ca, server] = await Promise.all([keyPair(), keyPair()]);
  const caCert = certificate('amr emulator local CA', ca.publicKey, 3650);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const serverCert = certificate('localhost', server.publicKey, 825);
  serverCert.setIssuer(caCert.subject.attributes);
  serverCert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  serverCert.sign(ca.privateKey, forge.md.sha256.create());
  fs.writeFileSync(files.caFile, forge.pki.certificateToPem(caCert), { mode: 0o644 });
  fs.writeFileSync(files.certFile, forge.pki.certificateToPem(serverCert), { mode: 0o644 });
  writeSecretFile(files.keyFile, server.privatePem);
  return files;
}
