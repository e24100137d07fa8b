/** The certificate this server presented on a request's own connection (what the parent's browser got). */
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { certificateFingerprint } from '../../net/cert-fingerprint.js';

/** Its SHA-256 fingerprint (`AB:CD:…`), or null over plain HTTP. */
export function servedFingerprintOf(request: FastifyRequest): string | null {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (request.protocol !== 'https' || typeof socket.getX509Certificate !== 'function') return null;
  const cert = socket.getX509Certificate();
  return cert === undefined ? null : certificateFingerprint(cert);
}
