import type { FastifyRequest } from 'fastify';
import type { AuditSpec } from '../../modules/audit/audit.types';
import type { Principal } from '../tenancy/request-context';

/** The Fastify request with what our guards attach to it. */
export type KintsugiRequest = FastifyRequest & {
  principal?: Principal;
  auditSpec?: AuditSpec;
  user?: Principal;
};

export function requestIdOf(req: FastifyRequest): string {
  return (req.raw as { id?: string }).id ?? req.id;
}
