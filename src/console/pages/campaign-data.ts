import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { DeliveryCampaign } from '../../db/tables/delivery-campaign.js';
import type { NoticeDraftRow } from '../../db/tables/notice-draft.js';
import { isApproved } from '../../notices/draft-record.js';
import { audienceOf, type DraftKind } from '../../notices/documents.js';

export interface CampaignLine {
  campaign: DeliveryCampaign;
  delivered: number;
  failed: number;
  pending: number;
}

/** The newest campaigns with their delivered/failed/pending counts, in two statements whatever their number. */
export async function listCampaignLines(db: Db, limit = 100): Promise<CampaignLine[]> {
  const campaigns = await db.selectFrom('delivery_campaign').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  if (campaigns.length === 0) return [];
  const { rows } = await sql<{ campaign_id: string; delivered: number; failed: number; pending: number }>`
    select campaign_id, count(*) filter (where state = 'delivered')::int as delivered, count(*) filter (where state = 'failed')::int as failed,
      count(*) filter (where state in ('queued', 'sending', 'sent'))::int as pending
    from delivery_message where campaign_id = any(${campaigns.map((c) => c.id)}::text[]) group by campaign_id`.execute(db);
  const counts = new Map(rows.map((row) => [row.campaign_id, row]));
  return campaigns.map((campaign) => ({ campaign, delivered: counts.get(campaign.id)?.delivered ?? 0, failed: counts.get(campaign.id)?.failed ?? 0, pending: counts.get(campaign.id)?.pending ?? 0 }));
}

/**
 * The drafts a campaign can be created from: messages to people (notice, apology) whose current version the DPO
 * approved — the same test createCampaign makes through the drafts' port.
 */
export async function approvedPeopleDrafts(db: Db): Promise<NoticeDraftRow[]> {
  const kinds = (Object.keys(audienceOf) as DraftKind[]).filter((kind) => audienceOf[kind] === 'people');
  const rows = await db.selectFrom('notice_draft').selectAll().where('kind', 'in', kinds).where('approved_version', 'is not', null).orderBy('id', 'desc').limit(200).execute();
  return rows.filter(isApproved);
}
