import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', options: '-c search_path=prof' });
await c.connect();
const rec = (i: number) => ({ at: new Date().toISOString(), requestId: crypto.randomUUID(), traceId: null, principal: null, principalKind: 'anonymous', sessionHmac: null, producedFor: null, subjects: ['p' + i], categories: ['identity', 'contact'], method: 'GET', route: '/people/p' + i, status: 200, cacheStatus: null, clientHmac: 'a'.repeat(64) });
const text = `insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac,
      produced_for, subjects, categories, method, route, status, cache_status, client_hmac)
    select t.at, $1, $2, t.pos - 1, t."requestId", t."traceId", t.principal, t."principalKind",
      t."sessionHmac", t."producedFor", t.subjects, t.categories, t.method, t.route, t.status, t."cacheStatus", t."clientHmac"
    from rows from (json_to_recordset($3::json) as (
      at timestamptz, "requestId" text, "traceId" text, principal text, "principalKind" text, "sessionHmac" text,
      "producedFor" text, subjects text[], categories text[], method text, route text, status int, "cacheStatus" text,
      "clientHmac" text)) with ordinality as t(at, "requestId", "traceId", principal, "principalKind", "sessionHmac",
      "producedFor", subjects, categories, method, route, status, "cacheStatus", "clientHmac", pos)`;
const unnestText = `insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac,
      produced_for, subjects, categories, method, route, status, cache_status, client_hmac)
    select t.at, $1, $2, t.pos - 1, t.a, t.b, t.c, t.d, t.e, t.f, t.g::text[], t.h::text[], t.i, t.j, t.k, t.l, t.m
    from unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[], $15::text[], $16::text[]) with ordinality as t(at, a, b, c, d, e, f, g, h, i, j, k, l, m, pos)`;
const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p;
const cpu = () => { const s = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(s[11]) + Number(s[12])) * 10; };
for (const [named, setup] of [[true, 'parse-only'], [true, 'parse-only-1'], [true, 'unnest-lit'], [true, '']] as [boolean, string][]) {
  const N = 2000; let seq = Math.floor(Math.random() * 1e9);
  await c.query('begin'); 
  const c0 = cpu(); const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const rows = JSON.stringify(Array.from({ length: 33 }, (_, j) => rec(j)));
    let q;
    if (setup === 'parse-only-1') q = { name: 'parse', text: `select count(*) from (${text.slice(text.indexOf('select t.at'))}) x`, values: ['s-bench', seq++, JSON.stringify([rec(1)])] };
    else if (setup === 'parse-only') q = { name: 'parse', text: `select count(*) from (${text.slice(text.indexOf('select t.at'))}) x`, values: ['s-bench', seq++, rows] };
    else if (setup === 'unnest-lit') {
      const rs = Array.from({ length: 33 }, (_, j) => rec(j));
      q = { name: 'unnest', text: unnestText, values: ['s-bench', seq++, rs.map((r) => r.at), rs.map((r) => r.requestId), rs.map((r) => r.traceId), rs.map((r) => r.principal), rs.map((r) => r.principalKind), rs.map((r) => r.sessionHmac), rs.map((r) => r.producedFor), rs.map((r) => '{' + r.subjects.map((x) => JSON.stringify(x)).join(',') + '}'), rs.map((r) => '{' + r.categories.map((x) => JSON.stringify(x)).join(',') + '}'), rs.map((r) => r.method), rs.map((r) => r.route), rs.map((r) => r.status), rs.map((r) => r.cacheStatus), rs.map((r) => r.clientHmac)] };
    } else q = named ? { name: 'ins', text, values: ['s-bench', seq++, rows] } : { text, values: ['s-bench', seq++, rows] };
    await c.query(q);
  }
  const ms = performance.now() - t0; const c1 = cpu();
  await c.query('rollback');
  console.log(setup || 'all indexes', (ms / N).toFixed(3), 'ms/batch wall,', ((c1 - c0) * 1000 / N).toFixed(0), 'µs PG CPU/batch,', ((c1 - c0) * 1000 / N / 33).toFixed(1), 'µs/record');
}
await c.end();
