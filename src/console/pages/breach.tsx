import { assessBody, assessBreach } from '../../breaches/assess.js';
import { breachIdOf } from '../../breaches/breach-store.js';
import { changeStatus, decideBody, decideBreach, statusBody } from '../../breaches/decide.js';
import { editBreach } from '../../breaches/edit-breach.js';
import { getBreach } from '../../breaches/get-breach.js';
import { changePerson, personChangeBody } from '../../breaches/population.js';
import { importPopulationCsv } from '../../breaches/population-csv.js';
import { populationCsv } from '../../breaches/population-export.js';
import { breachHtml, breachMarkdown } from '../../breaches/register-document.js';
import { listRevisions } from '../../breaches/revisions.js';
import { addTimelineEvent, eventBody } from '../../breaches/timeline.js';
import { NotFoundError, ValidationError, type FieldError } from '../../http/errors.js';
import { createDraft } from '../../notices/drafts-service.js';
import { listDraftsOfBreach } from '../../notices/drafts-store.js';
import { draftInputFromRegister } from '../../notices/from-breach.js';
import { createDraftBody } from '../../notices/routes/post-draft.js';
import { Notice, PageTitle } from '../components.js';
import { format } from '../labels.js';
import { definePage, type PageContext } from '../page.js';
import { requireDb } from '../session/sessions.js';
import { readWallTime } from '../wall-time.js';
import { asForm, parseAs, postedFields, textOrNull } from './breach-forms.js';
import { factField, factsBody, FactsForm, FactsView } from './breach-facts.js';
import { Drafts } from './breach-drafts.js';
import { Population, readPopulation } from './breach-population.js';
import { Assessment, Clocks, NextSteps, Revisions, Timeline } from './breach-sections.js';
import { Tasks } from './breach-tasks.js';
import { breachRuns } from '../../playbooks/tasks.js';
import { changeTask, startRun, startRunBody, taskChangeBody } from '../../playbooks/runs.js';

const breachOf = (ctx: PageContext) => breachIdOf(ctx.c.req.param('id') ?? '');
const here = (ctx: PageContext) => `/breaches/${breachOf(ctx)}`;
const done = (ctx: PageContext, what: string, anchor: string) => ({ redirect: `${ctx.href(here(ctx), { done: what })}#${anchor}` });

/** What SREs and communications staff see of the facts (as the API's reduced view). */
const reducedFacts = ['summary', 'natures', 'startedAt', 'discoveredAt', 'endedAt', 'ongoing', 'dataCategories', 'adviceToPeople', 'peopleInformed'] as const;

const attachment = (body: string, type: string, name: string) =>
  new Response(body, { status: 200, headers: { 'Content-Type': `${type}; charset=utf-8`, 'Content-Disposition': `attachment; filename="${name}"` } });

/**
 * Breach: one breach of the register, the DPO's page. Facts as a form, the assessment and the decision, the
 * clocks, the timeline, revisions, the population and the drafts; every write through the register's and the
 * drafts' service functions, read by the API's own schemas. Auditors read it all; SREs and communications
 * staff read what the API's reduced view gives them.
 */
export const breachPage = definePage({
  path: '/breaches/:id',
  api: ['GET /breaches/{id}'],
  title: (l) => l.breach.title,
  scripts: ['uplot.js', 'population-chart.js'],
  styles: ['uplot.css'],
  async render(ctx, form) {
    const db = requireDb(ctx.deps.db);
    const id = breachOf(ctx);
    const l = ctx.l.breach;
    const full = ctx.can('GET /breaches/{id}/revisions');
    const seesPeople = ctx.can('GET /breaches/{id}/people');
    const seesDrafts = ctx.can('GET /breaches/{breachId}/drafts');
    // Read side by side; the population's counts are the record's own (counted once).
    const reading = getBreach(db, id, { config: ctx.deps.config, now: ctx.now });
    const seesTasks = ctx.can('GET /breaches/{id}/playbooks');
    const [record, revisions, population, drafts, posted, runs] = await Promise.all([
      reading,
      full ? listRevisions(db, id) : undefined,
      seesPeople ? readPopulation(db, id, ctx.c.req.query(), ctx.now, reading.then((r) => r.people)) : undefined,
      seesDrafts ? listDraftsOfBreach(db, id) : undefined,
      form ? postedFields(ctx) : {},
      // After the record: the runs are re-read against the breach (tasks may appear), as the API's GET does.
      seesTasks ? reading.then(() => breachRuns(ctx.deps, id)) : undefined,
    ]);
    const page = here(ctx);
    const doneWhat = ctx.c.req.query('done');
    const doneText = doneWhat ? (l.done as Record<string, string>)[doneWhat] : undefined;
    const statusWord = (ctx.l.situation.status as Record<string, string>)[record.status] ?? record.status;
    return (
      <>
        <nav role="navigation" class="fr-breadcrumb" aria-label={l.breadcrumb}>
          <ol class="fr-breadcrumb__list">
            <li>
              <a class="fr-breadcrumb__link" href={ctx.href('/breaches')}>
                {ctx.l.nav.breaches}
              </a>
            </li>
            <li>
              <a class="fr-breadcrumb__link" aria-current="page">
                {format(l.heading, { id })}
              </a>
            </li>
          </ol>
        </nav>
        <PageTitle title={format(l.heading, { id })} />
        <p class="fr-text--lead" id="breach-title">
          {record.title}
        </p>
        <p>
          <span class="fr-badge fr-badge--info" id="breach-status">
            {statusWord}
          </span>{' '}
          {format(l.versionLine, { version: record.version })}
        </p>
        {doneText ? (
          <Notice kind="success" id="breach-notice">
            <p>{format(doneText, { people: ctx.c.req.query('people') ?? '', added: ctx.c.req.query('added') ?? '' })}</p>
          </Notice>
        ) : null}
        {full && ctx.can('GET /breaches/{id}/document') ? (
          <p id="register-document">
            {l.documentIntro}{' '}
            <a class="fr-link fr-icon-download-line fr-link--icon-left" href={ctx.href(`${page}/document.html`)} download>
              {l.documentHtml}
            </a>{' '}
            <a class="fr-link fr-icon-download-line fr-link--icon-left" href={ctx.href(`${page}/document.md`)} download>
              {l.documentMd}
            </a>
          </p>
        ) : null}
        {full ? <Clocks ctx={ctx} record={record} /> : null}
        {runs ? <Tasks ctx={ctx} runs={runs} form={form} page={page} canStart={ctx.can('POST /breaches/{id}/playbooks')} canChange={ctx.can('POST /playbook-tasks/{id}/{change}')} /> : null}
        {full ? <NextSteps ctx={ctx} record={record} form={form} page={page} canMove={ctx.can('POST /breaches/{id}/status')} /> : null}
        {full && ctx.can('PATCH /breaches/{id}') ? (
          <FactsForm ctx={ctx} facts={record.facts} version={record.version} form={form} posted={posted} page={page} />
        ) : (
          <FactsView ctx={ctx} facts={record.facts} only={full ? undefined : reducedFacts} />
        )}
        {full ? <Assessment ctx={ctx} record={record} form={form} page={page} canAssess={ctx.can('POST /breaches/{id}/assessments')} canDecide={ctx.can('POST /breaches/{id}/decisions')} /> : null}
        <Timeline ctx={ctx} record={record} form={form} page={page} canAdd={ctx.can('POST /breaches/{id}/events')} />
        {population ? (
          <Population ctx={ctx} view={population} form={form} page={page} canImport={ctx.can('POST /breaches/{id}/people/import')} canChange={ctx.can('PATCH /breaches/{id}/people/{ref}')} />
        ) : (
          <p id="population-total">{format(ctx.l.situation.population, { count: record.people.total })}</p>
        )}
        {drafts ? <Drafts ctx={ctx} breachId={id} drafts={drafts} form={form} page={page} canCreate={ctx.can('POST /breaches/{breachId}/drafts')} /> : null}
        {revisions ? <Revisions ctx={ctx} revisions={revisions} /> : null}
      </>
    );
  },
  actions: {
    facts: {
      api: ['PATCH /breaches/{id}'],
      async run(ctx) {
        const body = factsBody(ctx, await postedFields(ctx));
        await asForm(editBreach(ctx.deps, breachOf(ctx), body, ctx.actor), factField);
        return done(ctx, 'facts', 'facts-title');
      },
    },
    assess: {
      api: ['POST /breaches/{id}/assessments'],
      async run(ctx, form) {
        const body = parseAs(assessBody, {
          ...(form.easeOfIdentification ? { easeOfIdentification: form.easeOfIdentification } : {}),
          ...(form.likelyConsequences ? { likelyConsequences: form.likelyConsequences } : {}),
          ...(textOrNull(form.note) ? { note: form.note } : {}),
        });
        await asForm(assessBreach(ctx.deps, breachOf(ctx), body, ctx.actor));
        return done(ctx, 'assessed', 'assessment-title');
      },
    },
    decide: {
      api: ['POST /breaches/{id}/decisions'],
      async run(ctx, form) {
        const body = parseAs(decideBody, {
          authority: form.authority,
          people: form.people,
          justification: form.justification ?? '',
          ...(textOrNull(form.delayReasons) ? { delayReasons: form.delayReasons } : {}),
        });
        await asForm(decideBreach(ctx.deps, breachOf(ctx), body, ctx.actor));
        return done(ctx, 'decided', 'decision-title');
      },
    },
    status: {
      api: ['POST /breaches/{id}/status'],
      async run(ctx, form) {
        const body = parseAs(statusBody, { status: form.status, reason: form.reason ?? '' });
        // What the new status still needs comes back by field (the register's names): shown on the form.
        await asForm(changeStatus(ctx.deps, breachOf(ctx), body, ctx.actor), (path) => (path === 'reason' || path === 'status' ? path : 'form'));
        return done(ctx, 'status', 'next-title');
      },
    },
    task: {
      api: ['POST /playbook-tasks/{id}/{change}'],
      async run(ctx, form) {
        const body = parseAs(taskChangeBody, { reason: form.reason ?? '' });
        await asForm(changeTask(ctx.deps, form.taskId ?? '', form.change !== 'undo', body, ctx.actor), (path) => (path === 'reason' ? 'reason' : 'form'));
        return done(ctx, 'task', 'tasks-title');
      },
    },
    playbook: {
      api: ['POST /breaches/{id}/playbooks'],
      async run(ctx, form) {
        const body = parseAs(startRunBody, { playbook: form.playbook ?? '', exercise: form.exercise === 'on', reason: form.reason ?? '' });
        await asForm(startRun(ctx.deps, breachOf(ctx), body, ctx.actor));
        return done(ctx, 'playbook', 'tasks-title');
      },
    },
    event: {
      api: ['POST /breaches/{id}/events'],
      async run(ctx, form) {
        // The time is typed in the organisation's zone; the rest is read by the API's schema, every error at once.
        const errors: FieldError[] = [];
        let at: Date | undefined;
        try {
          at = readWallTime(form.at, 'at', ctx);
          if (!at) errors.push({ path: 'at', message: 'is required' });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          errors.push(...error.errors);
        }
        const checked = eventBody.safeParse({ kind: form.kind, at: (at ?? ctx.now).toISOString(), summary: form.summary ?? '' });
        if (!checked.success) errors.push(...checked.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
        if (errors.length > 0 || !checked.success) throw new ValidationError(errors);
        const body = checked.data;
        await asForm(addTimelineEvent(ctx.deps, breachOf(ctx), { ...body, at: new Date(body.at) }, ctx.actor));
        return done(ctx, 'event', 'timeline-title');
      },
    },
    person: {
      api: ['PATCH /breaches/{id}/people/{ref}'],
      async run(ctx, form) {
        const ref = (form.ref ?? '').trim();
        const body = parseAs(personChangeBody, { status: form.status, reason: form.reason ?? '' });
        if (!ref) throw new ValidationError([{ path: 'ref', message: 'is required' }]);
        try {
          await asForm(changePerson(ctx.deps, breachOf(ctx), ref, body, ctx.actor));
        } catch (error) {
          if (error instanceof NotFoundError) throw new ValidationError([{ path: 'ref', message: ctx.l.breach.noSuchPerson }]);
          throw error;
        }
        return done(ctx, 'person', 'population-title');
      },
    },
    import: {
      api: ['POST /breaches/{id}/people/import'],
      async run(ctx) {
        const file = (await postedFields(ctx)).csv;
        if (!(file instanceof File) || file.size === 0) throw new ValidationError([{ path: 'csv', message: ctx.l.breach.noFile }]);
        if (file.size > 20 * 1024 * 1024) throw new ValidationError([{ path: 'csv', message: 'must be at most 20971520 bytes' }]);
        try {
          const result = await importPopulationCsv(ctx.deps, breachOf(ctx), await file.text(), ctx.actor);
          return { redirect: `${ctx.href(here(ctx), { done: 'imported', added: result.added, people: result.received })}#population-title` };
        } catch (error) {
          // Every line's error on the file field: "line 3.status : …".
          if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ path: 'csv', message: `${e.path} : ${e.message}` })));
          throw error;
        }
      },
    },
    draft: {
      api: ['POST /breaches/{breachId}/drafts'],
      async run(ctx, form) {
        const [kind, channel] = (form.kindChannel ?? '').split('/');
        const body = parseAs(createDraftBody, { kind, channel, lang: form.lang || 'fr', reason: form.reason ?? '' });
        const id = breachOf(ctx);
        const input = await draftInputFromRegister(ctx.deps, id);
        const draft = await asForm(createDraft(ctx.deps, { ...body, breachId: id, input }, ctx.actor));
        return { redirect: ctx.href(`/breaches/${id}/drafts/${draft.id}`, { done: 'created' }) };
      },
    },
  },
  downloads: {
    'people.csv': {
      api: ['GET /breaches/{id}/people/export'],
      async run(ctx) {
        const id = breachOf(ctx);
        return attachment(await populationCsv(requireDb(ctx.deps.db), id, ctx.zone), 'text/csv', `breach-${id}-population.csv`);
      },
    },
    'document.html': {
      api: ['GET /breaches/{id}/document'],
      async run(ctx) {
        const record = await getBreach(requireDb(ctx.deps.db), breachOf(ctx), { config: ctx.deps.config, now: ctx.now });
        return attachment(breachHtml(record, ctx.zone, ctx.lang), 'text/html', `breach-${record.id}.html`);
      },
    },
    'document.md': {
      api: ['GET /breaches/{id}/document'],
      async run(ctx) {
        const record = await getBreach(requireDb(ctx.deps.db), breachOf(ctx), { config: ctx.deps.config, now: ctx.now });
        return attachment(breachMarkdown(record, ctx.zone, ctx.lang), 'text/markdown', `breach-${record.id}.md`);
      },
    },
  },
});
