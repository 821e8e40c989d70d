import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { attachSnapshotToBreach } from '../attach.js';
import { createSnapshot, getSnapshot, listSnapshots } from '../snapshots.js';
import { reasonField, reportSchema, requireDb, windowQuery } from './schemas.js';

const snapshotSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    reason: z.string(),
    query: z.object({ from: z.string(), to: z.string(), zone: z.string(), broadRoles: z.array(z.string()) }),
    report: reportSchema,
  })
  .openapi('ExposureSnapshot');

const post = defineRoute({
  method: 'post',
  path: '/exposure/snapshots',
  tags: ['exposure'],
  summary: 'Run the exposure report and keep it under a name (immutable)',
  access: { roles: ['dpo'] },
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ name: z.string(), reason: reasonField, ...windowQuery }) } },
    },
  },
  responses: {
    201: { description: 'Saved', content: { 'application/json': { schema: snapshotSchema } } },
    409: { description: 'The name is taken' },
  },
});

const list = defineRoute({
  method: 'get',
  path: '/exposure/snapshots',
  tags: ['exposure'],
  summary: 'Saved exposure reports, newest first',
  access: { roles: ['dpo', 'auditor'] },
  responses: {
    200: {
      description: 'Snapshots (without their reports)',
      content: {
        'application/json': {
          schema: z.object({
            snapshots: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string(), reason: z.string(), from: z.string(), to: z.string() })),
          }),
        },
      },
    },
  },
});

const get = defineRoute({
  method: 'get',
  path: '/exposure/snapshots/{name}',
  tags: ['exposure'],
  summary: 'One saved exposure report',
  access: { roles: ['dpo', 'auditor'] },
  request: { params: z.object({ name: z.string() }) },
  responses: {
    200: { description: 'The snapshot', content: { 'application/json': { schema: snapshotSchema } } },
    404: { description: 'No snapshot has this name' },
  },
});

export function registerSnapshots(app: App): void {
  app.openapi(post, async (c) => {
    const deps = c.var.deps;
    const body = c.req.valid('json');
    const staff = c.var.staff!;
    const snapshot = await createSnapshot(
      { db: requireDb(deps), clock: deps.clock, timeZone: deps.config.timeZone, broadRoles: deps.config.exposure.broadRoles },
      body,
      { subject: staff.subject, roles: staff.roles, reason: body.reason, requestId: c.var.requestId },
    );
    return c.json(snapshot, 201);
  });
  app.openapi(list, async (c) => {
    const deps = c.var.deps;
    return c.json({ snapshots: await listSnapshots(requireDb(deps), deps.config.timeZone) }, 200);
  });
  app.openapi(get, async (c) => {
    const deps = c.var.deps;
    return c.json(await getSnapshot(requireDb(deps), c.req.valid('param').name, deps.config.timeZone), 200);
  });
}

const attach = defineRoute({
  method: 'post',
  path: '/exposure/snapshots/{name}/attach',
  tags: ['exposure'],
  summary: 'Attach a snapshot to a breach: its window on the timeline, its exposed people in the population, its data categories in the facts',
  access: { roles: ['dpo'] },
  request: {
    params: z.object({ name: z.string() }),
    body: { required: true, content: { 'application/json': { schema: z.object({ breachId: z.union([z.string().min(1), z.number().int().positive()]).transform(String), reason: reasonField }) } } },
  },
  responses: {
    200: {
      description: 'Attached',
      content: {
        'application/json': {
          schema: z.object({
            breachId: z.string(),
            snapshot: z.string(),
            people: z.number().int(),
            dataCategories: z.array(z.string()).describe("The breach's data categories now (the register's codes), widened with those the snapshot shows"),
            unmappedCategories: z.array(z.string()).describe('Declared categories the category map does not know: recorded as « other » (docs/categories.md)'),
          }),
        },
      },
    },
    404: { description: 'No snapshot or breach with this id' },
  },
});

export function registerAttachSnapshot(app: App): void {
  app.openapi(attach, async (c) => {
    const deps = c.var.deps;
    requireDb(deps);
    const body = c.req.valid('json');
    const staff = c.var.staff!;
    const { breachId, snapshot, people, dataCategories, unmappedCategories } = await attachSnapshotToBreach(deps, c.req.valid('param').name, body.breachId, {
      subject: staff.subject,
      roles: staff.roles,
      reason: body.reason,
      requestId: c.var.requestId,
    });
    return c.json({ breachId, snapshot, people, dataCategories, unmappedCategories }, 200);
  });
}
