/**
 * Fits a stored or upstream message to the client who asked: its ID, its RD/CD bits, its
 * question bytes (same name modulo case, so the length is identical and no offset moves).
 */
import { Flag, HEADER_SIZE } from './constants.js';

/**
 * Writes the client's ID, RD and CD bits and question into `out` (modified in place), sets RA and
 * clears AA: a forwarded or cached answer is not authoritative from us (as unbound does).
 * Returns false, leaving `out` unusable, when the question lengths differ.
 */
export function patchForClient(out: Buffer, id: number, queryFlags: number, question: Uint8Array): boolean {
  if (out.length < HEADER_SIZE + question.length) return false;
  out.writeUInt16BE(id, 0);
  const flags = (out.readUInt16BE(2) & ~(Flag.RD | Flag.CD | Flag.AA)) | (queryFlags & (Flag.RD | Flag.CD)) | Flag.RA;
  out.writeUInt16BE(flags, 2);
  out.set(question, HEADER_SIZE);
  return true;
}
