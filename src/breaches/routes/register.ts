import type { App } from '../../http/context.js';
import { registerGetBreach } from './get-breach.js';
import { registerGetBreaches } from './get-breaches.js';
import { registerGetDocument } from './get-document.js';
import { registerGetExport } from './get-export.js';
import { registerGetPeople } from './get-people.js';
import { registerGetPeopleExport } from './get-people-export.js';
import { registerGetRevisions } from './get-revisions.js';
import { registerPatchBreach } from './patch-breach.js';
import { registerPatchPerson } from './patch-person.js';
import { registerPostAssessment } from './post-assessment.js';
import { registerPostBreach } from './post-breach.js';
import { registerPostDecision } from './post-decision.js';
import { registerPostEvent } from './post-event.js';
import { registerPostFiling } from './post-filing.js';
import { registerPostPeopleCsv } from './post-people-csv.js';
import { registerPostPeople } from './post-people.js';
import { registerPostStatus } from './post-status.js';

/** The breach register's API under the admin prefix. /breaches/export comes before /breaches/{id}. */
export function registerBreaches(admin: App): void {
  registerGetExport(admin);
  registerPostBreach(admin);
  registerGetBreaches(admin);
  registerGetBreach(admin);
  registerPatchBreach(admin);
  registerGetRevisions(admin);
  registerPostEvent(admin);
  registerPostAssessment(admin);
  registerPostDecision(admin);
  registerPostStatus(admin);
  registerPostFiling(admin);
  registerPostPeople(admin);
  registerPostPeopleCsv(admin);
  registerGetPeopleExport(admin);
  registerPatchPerson(admin);
  registerGetPeople(admin);
  registerGetDocument(admin);
}
