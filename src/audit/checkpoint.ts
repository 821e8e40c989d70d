import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { AuditCrypto } from './audit-crypto.js';

export interface StreamHead {
  seq: number;
  hash: string;
}

export interface CheckpointBody {
  /** The head of every stream at this moment. */
  heads: Record<string, StreamHead>;
  /** Prune checkpoints: the last removed batch of each stream, which the first remaining batch chains to. */
  prunedTo?: Record<string, StreamHead>;
  prunedBefore?: string;
}

export interface Checkpoint {
  id: string;
  at: Date;
  kind: 'periodic' | 'prune';
  body: CheckpointBody;
  signatureValid: boolean;
}

/** Heads of streams that moved since `since` (all streams when undefined). */
export async function currentHeads(db: Db, since?: Date): Promise<Record<string, StreamHead>> {
  const { rows } = await sql<{ stream: string; seq: string; hash: string }>`
    select distinct on (stream) stream, seq, hash from audit_batch
    ${since ? sql`where at >= ${since.toISOString()}::timestamptz` : sql``}
    order by stream, seq desc`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.stream, { seq: Number(row.seq), hash: row.hash }]));
}

export async function latestCheckpoint(db: Db, crypto: AuditCrypto): Promise<Checkpoint | undefined> {
  const row = await db.selectFrom('audit_checkpoint').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? await readCheckpoint(row, crypto) : undefined;
}

export async function allCheckpoints(db: Db, crypto: AuditCrypto): Promise<Checkpoint[]> {
  const rows = await db.selectFrom('audit_checkpoint').selectAll().orderBy('id').execute();
  return Promise.all(rows.map((row) => readCheckpoint(row, crypto)));
}

async function readCheckpoint(row: { id: string; at: Date; kind: string; body: string; signature: string }, crypto: AuditCrypto): Promise<Checkpoint> {
  const expected = await crypto.hmacHex('checkpoint', `${new Date(row.at).toISOString()}|${row.kind}|${row.body}`);
  let body: CheckpointBody = { heads: {} };
  try {
    body = JSON.parse(row.body) as CheckpointBody;
  } catch {
    // an unreadable body fails its signature check below anyway
  }
  return { id: String(row.id), at: new Date(row.at), kind: row.kind as Checkpoint['kind'], body, signatureValid: expected === row.signature };
}

/**
 * Writes a signed checkpoint: the previous checkpoint's heads, advanced by every stream that moved since.
 * Signed with the audit key (HMAC): an attacker who rewrites the log without the key cannot make the
 * checkpoints agree with it. Export them elsewhere too for protection against the key's holder.
 */
export async function writeCheckpoint(
  db: Db,
  crypto: AuditCrypto,
  clock: Clock,
  kind: Checkpoint['kind'] = 'periodic',
  extra: Omit<CheckpointBody, 'heads'> = {},
): Promise<Checkpoint & { signature: string }> {
  const previous = await latestCheckpoint(db, crypto);
  // A margin covers batches committed late with an earlier `at` (their clock was read before the commit).
  const since = previous ? new Date(previous.at.getTime() - 60_000) : undefined;
  const heads = { ...(previous?.signatureValid ? previous.body.heads : {}), ...(await currentHeads(db, since)) };
  const at = clock.now();
  const body = JSON.stringify({ heads, ...extra } satisfies CheckpointBody);
  const signature = await crypto.hmacHex('checkpoint', `${at.toISOString()}|${kind}|${body}`);
  const row = await db
    .insertInto('audit_checkpoint')
    .values({ at, kind, body, signature })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: String(row.id), at, kind, body: JSON.parse(body) as CheckpointBody, signatureValid: true, signature };
}

/** Periodic checkpoints while the server runs; returns the function that stops them. */
export function startCheckpoints(db: Db, crypto: AuditCrypto, clock: Clock, everyMs: number, onError: () => void): () => void {
  const timer = setInterval(() => {
    writeCheckpoint(db, crypto, clock).catch(onError);
  }, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
