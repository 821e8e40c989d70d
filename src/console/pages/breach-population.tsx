import { raw } from 'hono/html';
import type { Db } from '../../db/database.js';
import { countPopulation, listPeople, personStatuses, type PersonStatus, type PopulationCounts } from '../../breaches/population.js';
import { labelsFor } from '../../notices/labels.js';
import { ActionForm, ErrorSummary, Field, Time, errorOf, scriptJson } from '../components.js';
import { format } from '../labels.js';
import type { FormState, PageContext } from '../page.js';
import { Choice } from './breach-sections.js';

export const peoplePageSize = 50;


export interface PopulationView {
  counts: PopulationCounts;
  people: Awaited<ReturnType<typeof listPeople>>;
  status: PersonStatus | undefined;
  page: number;
  pages: number;
}

/** Counts by status (exact, from the rows) and one page of people, filtered by status (?status=, ?page=). */
export async function readPopulation(db: Db, breachId: string, query: Record<string, string>, now: Date, known?: Promise<PopulationCounts>): Promise<PopulationView> {
  const status = (personStatuses as readonly string[]).includes(query.status ?? '') ? (query.status as PersonStatus) : undefined;
  const wanted = Number.parseInt(query.page ?? '1', 10);
  const asked = Number.isFinite(wanted) && wanted > 1 ? wanted : 1;
  // The page asked for is read beside the counts (one round trip less); only a page past the end is read again.
  const [counts, first] = await Promise.all([known ?? countPopulation(db, breachId, now), listPeople(db, breachId, { status, limit: peoplePageSize, offset: (asked - 1) * peoplePageSize })]);
  const total = status ? counts.byStatus[status] : counts.total;
  const pages = Math.max(1, Math.ceil(total / peoplePageSize));
  const page = Math.min(asked, pages);
  const people = page === asked ? first : await listPeople(db, breachId, { status, limit: peoplePageSize, offset: (page - 1) * peoplePageSize });
  return { counts, people, status, page, pages };
}

/** The population: a chart and a table of counts by follow-up status, the paged list, CSV import and export. */
export function Population(props: { ctx: PageContext; view: PopulationView; form: FormState | undefined; page: string; canImport: boolean; canChange: boolean }) {
  const { ctx, view, form } = props;
  const l = ctx.l.breach;
  const words = labelsFor(ctx.lang).register.personStatus as Record<string, string>;
  const number = (n: number) => n.toLocaleString(ctx.lang === 'fr' ? 'fr-FR' : 'en-GB');
  const link = (query: { status?: string | undefined; page?: number }) => `${ctx.href(props.page, { status: query.status, page: query.page && query.page > 1 ? query.page : undefined })}#population-title`;
  const data = { series: l.peopleSeries, labels: personStatuses.map((s) => words[s] ?? s), counts: personStatuses.map((s) => view.counts.byStatus[s]) };
  return (
    <section aria-labelledby="population-title" class="fr-mb-6w">
      <h2 id="population-title">{l.populationTitle}</h2>
      <p id="population-total">
        {format(l.populationTotal, { total: number(view.counts.total), accessLog: view.counts.bySource.accessLog, csv: view.counts.bySource.csv, manual: view.counts.bySource.manual, overdue: view.counts.overdue })}
      </p>
      <figure class="fr-m-0">
        <div id="population-chart" class="vigie-chart vigie-chart--small" role="img" aria-label={l.populationChart}></div>
      </figure>
      <script type="application/json" id="population-data">
        {raw(scriptJson(data))}
      </script>
      <div class="fr-table" id="population-counts">
        <table>
          <caption>{l.populationCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{l.personStatus}</th>
              <th scope="col">{l.count}</th>
            </tr>
          </thead>
          <tbody>
            {personStatuses.map((status) => (
              <tr>
                <td>
                  <a class="fr-link" href={link({ status })} aria-current={view.status === status ? 'true' : undefined}>
                    {words[status] ?? status}
                  </a>
                </td>
                <td data-status={status}>{number(view.counts.byStatus[status])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {view.status ? (
          <>
            {format(l.filtered, { status: words[view.status] ?? view.status })}{' '}
            <a class="fr-link" href={link({})} id="population-all">
              {ctx.l.common.seeAll}
            </a>
          </>
        ) : null}
      </p>
      {view.people.length === 0 ? (
        <p id="people-none">{l.noPeople}</p>
      ) : (
        <div class="fr-table" id="people">
          <table>
            <caption>{format(l.peopleCaption, { page: view.page, pages: view.pages })}</caption>
            <thead>
              <tr>
                <th scope="col">{l.person}</th>
                <th scope="col">{l.personStatus}</th>
                <th scope="col">{l.exposed}</th>
                <th scope="col">{l.firstSeen}</th>
                <th scope="col">{l.due}</th>
                <th scope="col">{l.notes}</th>
              </tr>
            </thead>
            <tbody>
              {view.people.map((person) => (
                <tr>
                  <td>{person.person_ref}</td>
                  <td>{words[person.status] ?? person.status}</td>
                  <td>{Array.isArray(person.exposed) ? (person.exposed as string[]).join(', ') : ''}</td>
                  <td>{person.first_at ? <Time at={person.first_at} ctx={ctx} /> : ''}</td>
                  <td>{person.due_at ? <Time at={person.due_at} ctx={ctx} /> : ''}</td>
                  <td>{person.notes ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view.pages > 1 ? (
        <nav role="navigation" class="fr-pagination" aria-label={ctx.l.common.pagination}>
          <ul class="fr-pagination__list">
            <li>
              {view.page > 1 ? (
                <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href={link({ status: view.status, page: view.page - 1 })} id="people-previous">
                  {ctx.l.common.previous}
                </a>
              ) : null}
            </li>
            <li>
              <a class="fr-pagination__link" aria-current="page" href={link({ status: view.status, page: view.page })}>
                {format(ctx.l.common.pageOf, { page: view.page, pages: view.pages })}
              </a>
            </li>
            <li>
              {view.page < view.pages ? (
                <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={link({ status: view.status, page: view.page + 1 })} id="people-next">
                  {ctx.l.common.next}
                </a>
              ) : null}
            </li>
          </ul>
        </nav>
      ) : null}
      <p>
        <a class="fr-link fr-icon-download-line fr-link--icon-left" href={ctx.href(`${props.page}/people.csv`)} id="people-export" download>
          {l.exportCsv}
        </a>
      </p>
      {props.canChange ? (
        <details class="fr-mb-3w" open={form?.action === 'person'}>
          <summary>{l.changePerson}</summary>
          <ErrorSummary form={form} action="person" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="person" id="person-form">
            <Field form={form} action="person" name="ref" label={l.person} required />
            <Choice ctx={ctx} form={form} action="person" name="status" label={l.personStatus} options={words} value="informed" />
            <Field form={form} action="person" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
            <button type="submit" class="fr-btn fr-btn--secondary" id="person-submit">
              {l.changePersonSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
      {props.canImport ? (
        <details open={form?.action === 'import'}>
          <summary>{l.importCsv}</summary>
          <p>{l.importIntro}</p>
          <ErrorSummary form={form} action="import" title={ctx.l.common.errorSummary} />
          <form method="post" action={ctx.href(`${props.page}/import`)} id="import-form" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value={ctx.session.csrfToken} />
            <div class={`fr-upload-group${errorOf(form, 'import', 'csv') ? ' fr-upload-group--error' : ''}`}>
              <label class="fr-label" for="import-csv">
                {l.csvFile}
                <span class="fr-hint-text">{l.csvHint}</span>
              </label>
              <input class="fr-upload" type="file" id="import-csv" name="csv" accept=".csv,text/csv" aria-describedby={errorOf(form, 'import', 'csv') ? 'import-csv-error' : undefined} />
              {errorOf(form, 'import', 'csv') ? (
                <p class="fr-error-text" id="import-csv-error">
                  {errorOf(form, 'import', 'csv')}
                </p>
              ) : null}
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary fr-mt-2w" id="import-submit">
              {l.importSubmit}
            </button>
          </form>
        </details>
      ) : null}
    </section>
  );
}
