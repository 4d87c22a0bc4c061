import { createHash } from 'node:crypto';

/** Namespace of the starter-library template ids (a fixed, random UUID). */
const LIBRARY_NAMESPACE = '6f1d3c52-8a4e-4b7f-9d21-5c0e7a9b3f64';

/**
 * The row id of a starter-library template: a name-based UUID (RFC 9562 version 5) of the
 * framework version and the library key. Every database that runs the migration gets the same
 * ids, so a template can be referred to by id across environments, and the migration stays
 * deterministic.
 */
export function libraryTemplateId(version: number, libraryKey: string): string {
  const ns = Buffer.from(LIBRARY_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(`framework:${version}:${libraryKey}`, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50; // version 5
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 / 9562 variant
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
