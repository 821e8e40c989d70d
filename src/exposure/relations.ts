import { sql, type RawBuilder } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { ValidationError, type FieldError } from '../http/errors.js';
import { recordAction, type Actor } from './actor.js';
import { parseBound } from './window.js';

/** As given by the service (API body or CSV line): dates as ISO instants or local wall time in the zone. */
export interface RelationInput {
  principal: string;
  subject: string;
  validFrom: string;
  validTo?: string | null | undefined;
  kind?: string | null | undefined;
}

export interface RoleInput {
  principal: string;
  role: string;
  validFrom: string;
  validTo?: string | null | undefined;
}

export interface Relation {
  principal: string;
  subject: string;
  validFrom: Date;
  validTo: Date | null;
  kind: string | null;
}

export interface PrincipalRole {
  principal: string;
  role: string;
  validFrom: Date;
  validTo: Date | null;
}

const maxId = 200;
// Identifiers are opaque strings chosen by the service; control characters would break the CSV and log formats.
const badId = (value: unknown) =>
  typeof value !== 'string' || value.length === 0 || value.length > maxId || /[\u0000-\u001f\u007f]/.test(value);

function checkPeriod(from: string, to: string | null | undefined, zone: string, path: string, errors: FieldError[]) {
  const validFrom = parseBound(String(from ?? ''), zone, 'from', [], { dateAlone: true });
  if (typeof validFrom === 'string') errors.push({ path: `${path}.validFrom`, message: validFrom });
  let validTo: Date | string | null = null;
  if (to !== undefined && to !== null && to !== '') {
    validTo = parseBound(String(to), zone, 'to', [], { dateAlone: true });
    if (typeof validTo === 'string') errors.push({ path: `${path}.validTo`, message: validTo });
  }
  if (validFrom instanceof Date && validTo instanceof Date && validTo.getTime() <= validFrom.getTime()) {
    errors.push({ path: `${path}.validTo`, message: 'must be after validFrom' });
  }
  return { validFrom: validFrom as Date, validTo: validTo as Date | null };
}

/** Checks one relation; its errors go into `errors` under `path` (a body path, or "line 7"). */
export function readRelation(input: RelationInput, zone: string, path: string, errors: FieldError[]): Relation | undefined {
  const before = errors.length;
  if (badId(input.principal)) errors.push({ path: `${path}.principal`, message: `must be a non-empty identifier of at most ${maxId} characters` });
  if (badId(input.subject)) errors.push({ path: `${path}.subject`, message: `must be a non-empty identifier of at most ${maxId} characters` });
  if (input.kind !== undefined && input.kind !== null && input.kind !== '' && badId(input.kind)) errors.push({ path: `${path}.kind`, message: 'must be a short label' });
  const period = checkPeriod(input.validFrom, input.validTo, zone, path, errors);
  if (errors.length > before) return undefined;
  return { principal: input.principal, subject: input.subject, ...period, kind: input.kind || null };
}

export function readRole(input: RoleInput, zone: string, path: string, errors: FieldError[]): PrincipalRole | undefined {
  const before = errors.length;
  if (badId(input.principal)) errors.push({ path: `${path}.principal`, message: `must be a non-empty identifier of at most ${maxId} characters` });
  if (badId(input.role)) errors.push({ path: `${path}.role`, message: 'must be a short label' });
  const period = checkPeriod(input.validFrom, input.validTo, zone, path, errors);
  if (errors.length > before) return undefined;
  return { principal: input.principal, role: input.role, ...period };
}

export interface UpsertResult {
  relations: number;
  roles: number;
  /** Rows inserted or changed; the others were already stored as sent and were not written again. */
  changed: { relations: number; roles: number };
}

const chunkSize = 5_000;

/**
 * A row re-sent unchanged keeps the transaction id of its last real change: checked verdicts
 * (verdicts.ts) are re-checked only for relations that changed, not for every daily re-sync.
 */
const changedXid = (changed: RawBuilder<unknown>, table: string) =>
  sql`case when ${changed} then pg_current_xact_id() else ${sql.ref(`${table}.changed_xid`)} end`;

/**
 * Inserts or updates (same principal, subject and start) in one transaction: all or nothing. Column
 * arrays through unnest keep the statement text fixed whatever the chunk size. A row re-sent as stored is
 * not written at all (a daily sync of 1.5 M unchanged relations writes nothing): its `source`, `updated_at`
 * and `updated_by` say who last changed it, not who last confirmed it.
 */
export async function upsertEntitlements(
  deps: { db: Db; clock: Clock },
  input: { relations: Relation[]; roles: PrincipalRole[]; source: string },
  actor: Actor,
): Promise<UpsertResult> {
  const at = deps.clock.now();
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const changed = { relations: 0, roles: 0 };
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < input.relations.length; i += chunkSize) {
      const r = input.relations.slice(i, i + chunkSize);
      const { rows } = await sql`
        insert into exposure_relation (principal, subject, valid_from, valid_to, kind, source, updated_at, updated_by)
        select t.principal, t.subject, t.valid_from, t.valid_to, t.kind, ${input.source}, ${at.toISOString()}::timestamptz, ${actor.subject}
        from unnest(${r.map((x) => x.principal)}::text[], ${r.map((x) => x.subject)}::text[],
          ${r.map((x) => x.validFrom.toISOString())}::timestamptz[], ${r.map((x) => iso(x.validTo))}::timestamptz[],
          ${r.map((x) => x.kind)}::text[]) as t(principal, subject, valid_from, valid_to, kind)
        on conflict (principal, subject, valid_from) do update set valid_to = excluded.valid_to, kind = excluded.kind,
          source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
          changed_xid = ${changedXid(sql`exposure_relation.valid_to is distinct from excluded.valid_to`, 'exposure_relation')}
        where exposure_relation.valid_to is distinct from excluded.valid_to or exposure_relation.kind is distinct from excluded.kind
        returning 1`.execute(trx);
      changed.relations += rows.length;
    }
    for (let i = 0; i < input.roles.length; i += chunkSize) {
      const r = input.roles.slice(i, i + chunkSize);
      const { rows } = await sql`
        insert into exposure_principal_role (principal, role, valid_from, valid_to, source, updated_at, updated_by)
        select t.principal, t.role, t.valid_from, t.valid_to, ${input.source}, ${at.toISOString()}::timestamptz, ${actor.subject}
        from unnest(${r.map((x) => x.principal)}::text[], ${r.map((x) => x.role)}::text[],
          ${r.map((x) => x.validFrom.toISOString())}::timestamptz[], ${r.map((x) => iso(x.validTo))}::timestamptz[])
          as t(principal, role, valid_from, valid_to)
        on conflict (principal, role, valid_from) do update set valid_to = excluded.valid_to,
          source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
          changed_xid = ${changedXid(sql`exposure_principal_role.valid_to is distinct from excluded.valid_to`, 'exposure_principal_role')}
        where exposure_principal_role.valid_to is distinct from excluded.valid_to
        returning 1`.execute(trx);
      changed.roles += rows.length;
    }
    await recordAction(
      trx,
      actor,
      'exposure.relations.upsert',
      `${input.source}: ${input.relations.length} relation(s), ${input.roles.length} role(s); changed ${changed.relations} relation(s), ${changed.roles} role(s)`,
      at,
    );
  });
  return { relations: input.relations.length, roles: input.roles.length, changed };
}

/** Validates a whole request first: one bad item and nothing is stored. */
export function readEntitlements(body: { relations?: RelationInput[] | undefined; roles?: RoleInput[] | undefined }, zone: string) {
  const errors: FieldError[] = [];
  const relations = (body.relations ?? []).map((r, i) => readRelation(r, zone, `body.relations.${i}`, errors));
  const roles = (body.roles ?? []).map((r, i) => readRole(r, zone, `body.roles.${i}`, errors));
  if (errors.length > 0) throw new ValidationError(errors.slice(0, 100));
  return { relations: relations as Relation[], roles: roles as PrincipalRole[] };
}
