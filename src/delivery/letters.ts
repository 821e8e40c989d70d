import { ConflictError, ValidationError } from '../http/errors.js';
import { drillCampaigns } from './exercise-guard.js';
import { getCampaign } from './campaigns.js';
import type { Actor, DeliveryContext } from './context.js';
import { recordAction } from './record-action.js';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const csvCell = (value: string) => (/[",\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export interface LetterExport {
  /** One HTML document, one printed page per letter (CSS page breaks), address block placed for a window envelope. */
  html: string;
  /** The mailing list: one line per letter, in print order, with the message reference printed on the page. */
  csv: string;
  count: number;
}

/**
 * Letters leave through a print house: exporting hands them off, so every queued letter becomes `sent`
 * (accepted), recorded with who and why. Delivery is then unknown unless returned mail is reported.
 */
export async function exportLetters(ctx: DeliveryContext, actor: Actor, campaignId: string, reason: string): Promise<LetterExport> {
  if (!reason?.trim()) throw new ValidationError([{ path: 'body.reason', message: 'is required (why)' }]);
  const campaign = await getCampaign(ctx.db, campaignId);
  if (campaign.channel !== 'letter') throw new ValidationError([{ path: 'campaignId', message: 'is not a letter campaign' }]);
  // Exporting hands letters to the print house: a drill's never are (src/delivery/exercise-guard.ts).
  if ((await drillCampaigns(ctx.db, [campaignId])).size > 0) throw new ConflictError('This campaign belongs to a drill: its letters are not handed to a print house');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const letters = await trx
      .updateTable('delivery_message')
      .set({ state: 'sent', sending_at: now, sent_at: now, attempts: 1 })
      .where('campaign_id', '=', campaignId)
      .where('state', 'in', ['queued', 'sent'])
      .returning(['id', 'person_id', 'destination', 'subject', 'html', 'body'])
      .execute();
    letters.sort((a, b) => Number(a.id) - Number(b.id));
    const pages = letters.map((letter) => {
      const address = letter.destination.split('\n').map(escapeHtml).join('<br>');
      const content = letter.html ?? `<pre>${escapeHtml(letter.body)}</pre>`;
      return `<section class="letter"><p class="ref">Réf. ${letter.id}</p><address>${address}</address>${content}</section>`;
    });
    const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Campagne ${escapeHtml(campaignId)}</title><style>
@page { size: A4; margin: 20mm; } .letter { page-break-after: always; } address { margin: 30mm 0 15mm 100mm; font-style: normal; } .ref { font-size: 8pt; }
</style></head><body>${pages.join('\n')}</body></html>`;
    const header = 'reference;person_id;line1;line2;line3;line4;line5;line6';
    const lines = letters.map((letter) => {
      const address = letter.destination.split('\n');
      return [String(letter.id), letter.person_id, ...Array.from({ length: 6 }, (_, i) => address[i] ?? '')].map(csvCell).join(';');
    });
    await recordAction(trx, actor, now, 'delivery.letters.export', campaignId, reason);
    return { html, csv: [header, ...lines].join('\n') + '\n', count: letters.length };
  });
}
