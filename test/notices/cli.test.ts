import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { testApp, testSecret } from '../helpers/test-app.js';
import { pajemploiInput } from './fixtures.js';

/** Runs `vigie …` in-process and returns what it printed. */
async function vigie(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
  const code = await main(args, { VIGIE_LOG_LEVEL: 'silent', ...env });
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('vigie draft', () => {
  let dir: string;
  let facts: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-draft-cli-'));
    facts = join(dir, 'facts.json');
    // Written today, years after awareness: the CNIL draft needs the reasons for the delay.
    await writeFile(facts, JSON.stringify(pajemploiInput((draft) => void (draft.breach.delayReasons = 'Replay of the 2020 incident.'))));
    env = { VIGIE_DATA_DIR: join(dir, 'data'), USER: 'jeanne' };
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('previews an SMS notice from a facts file, with its encoding and segments, without a database', async () => {
    const { code, out } = await vigie(['draft', 'preview', '--kind', 'notice', '--channel', 'sms', '--input', facts], env);
    expect(code).toBe(0);
    expect(out).toContain('──── sms ────\nUrssaf - Pajemploi : le 31/03/2020, des informations vous concernant');
    // The em dash of « Urssaf — Pajemploi » used to turn the SMS into UCS-2 (3 segments of 67): it is folded.
    expect(out).toMatch(/SMS: GSM-7, \d+ characters, \d+ septets, [12] segment\(s\) of 1[56]\d/);
    expect(out).not.toContain('UCS-2');
  });

  it('writes a CNIL draft with --dry-run, and names the missing fields when facts are incomplete', async () => {
    const ok = await vigie(['draft', 'cnil', 'BR-1', '--input', facts, '--dry-run'], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Données de la mauvaise personne affichées sur le portail du client');
    expect(ok.out).toContain('Motifs du retard (notification au-delà de 72 heures) : Replay of the 2020 incident.');
    const partial = join(dir, 'partial.json');
    const input = pajemploiInput((draft) => void (draft.breach.delayReasons = 'Replay of the 2020 incident.'));
    await writeFile(partial, JSON.stringify({ ...input, breach: { ...input.breach, consequences: [], measures: { immediate: [], mediumTerm: [], longTerm: [] } } }));
    const refused = await vigie(['draft', 'cnil', 'BR-1', '--input', partial, '--dry-run'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('vigie: The draft cannot be written; missing: breach.consequences, breach.measures');
    expect(refused.out).not.toContain('Notification');
  });

  it("saves a draft in the database, shows it and approves it as the token's holder (a DPO)", async () => {
    expect((await vigie(['migrate'], env)).code).toBe(0);
    const comms = { ...env, VIGIE_JWT_SECRET: testSecret, VIGIE_TOKEN: await testApp().token(['comms'], 'carole') };
    const dpo = { ...env, VIGIE_JWT_SECRET: testSecret, VIGIE_TOKEN: await testApp().token(['dpo'], 'dpo-jeanne') };
    const saved = await vigie(['draft', 'notice', '7', '--channel', 'email', '--lang', 'en', '--input', facts], comms);
    expect(saved.code).toBe(0);
    const id = /draft (\d+) saved: notice \/ email \/ en, version 1/.exec(saved.out)?.[1];
    expect(id).toBeDefined();
    expect(saved.out).toContain('Dear [[person.name]],');
    const preview = await vigie(['draft', 'preview', id!], comms);
    expect(preview.out).toContain('Dear Alex Example,');
    expect(preview.out).toContain('not approved');
    // Approving is the DPO's: the server checks the token's role, whoever types the command.
    const refused = await vigie(['draft', 'approve', id!, '--version', '1', '--reason', 'read it'], comms);
    expect(refused).toMatchObject({ code: 1, err: 'vigie: 403 Not allowed: This action needs one of the roles: dpo' });
    const noToken = await vigie(['draft', 'approve', id!, '--version', '1', '--reason', 'read it'], env);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('--token is required');
    const approved = await vigie(['draft', 'approve', id!, '--version', '1', '--reason', 'read it'], dpo);
    expect(approved.out).toBe(`draft ${id} version 1 approved by dpo-jeanne`);
    expect((await vigie(['draft', 'show', id!], dpo)).out).toContain('approved by dpo-jeanne');
  }, 300_000);
});
