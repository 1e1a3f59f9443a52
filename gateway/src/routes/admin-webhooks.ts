/**
 * The webhook admin API (`/api/v1/admin/webhooks...`): a staff identity registers subscriptions
 * (URL, chaincode, event names, filters) that belong to it, sees their delivery status, rotates
 * their secret, resumes a paused one and replays from a checkpoint. Deliveries carry only the
 * events the registering identity may read (the rule of `GET /api/v1/events`); see
 * ../webhooks/service.ts and gateway/README.md ("Webhooks").
 */
import { events as catalogue } from '@govledger/wire';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route';
import type { WebhookService } from '../webhooks/service';

/** Dependencies of the webhook routes. */
export interface AdminWebhookDeps {
  webhooks: WebhookService;
  /** Logical chaincode names served. */
  chaincodes: Record<string, string>;
}

const TAGS = ['webhooks'];
const ID_EXAMPLE = 'wh_4f1c2a9e8b7d6c5f4e3d2c1b';
const SECRET_EXAMPLE = 'whsec_q3Vb2lV9d0pX1fQ2m8X7wHk5tY6rC1aB0nZ4eJ3uI9o';
const TIME = '2026-03-01T09:30:00.000Z';

const IdParams = z
  .object({
    subscriptionId: z
      .string()
      .regex(/^wh_[0-9a-f]{24}$/, 'must be a subscription id')
      .meta({ description: 'Subscription id', example: ID_EXAMPLE }),
  })
  .strict();

const Subscription = z
  .object({
    subscriptionId: z.string().meta({ description: 'Subscription id', example: ID_EXAMPLE }),
    url: z
      .string()
      .meta({ description: 'Where deliveries are POSTed', example: 'https://portal.example/hooks' }),
    chaincode: z.string().meta({ description: 'Logical chaincode name', example: 'fund-tracing' }),
    events: z
      .array(z.string())
      .nullable()
      .meta({
        description: 'Event names delivered; null: every event of the chaincode',
        example: ['ProgramCreated'],
      }),
    filters: z.record(z.string(), z.string()).meta({
      description: 'Top-level payload fields and the value each delivered event must carry',
      example: { ownerMspId: 'CityAMSP' },
    }),
    status: z.enum(['active', 'paused']).meta({
      description:
        'active, or paused after WEBHOOK_PAUSE_AFTER_FAILURES failed attempts in a row (resume it)',
      example: 'active',
    }),
    pausedReason: z
      .string()
      .nullable()
      .meta({ description: 'Why it was paused; null when active', example: null }),
    consecutiveFailures: z
      .number()
      .int()
      .meta({ description: 'Failed attempts since the last acknowledged delivery', example: 0 }),
    pendingDeliveries: z.number().int().meta({
      description: 'Deliveries waiting in the outbox (not yet acknowledged with a 2xx)',
      example: 0,
    }),
    checkpoint: z
      .object({
        blockNumber: z
          .string()
          .meta({ description: 'Events are read from this block (decimal string)', example: '42' }),
        transactionId: z.string().nullable().meta({
          description: 'Last transaction of that block already read; null: the block is read from its start',
          example: null,
        }),
      })
      .strict()
      .meta({ description: 'How far the ledger has been read for this subscription' }),
    createdAt: z.iso
      .datetime()
      .meta({ description: 'When it was registered (RFC 3339 date-time)', example: TIME }),
    updatedAt: z.iso
      .datetime()
      .meta({ description: 'Last change of its settings or status (RFC 3339 date-time)', example: TIME }),
  })
  .strict()
  .meta({ id: 'WebhookSubscription', description: 'A webhook subscription (never its secret)' });

const Secret = z.string().meta({
  description:
    'The signing secret: shown only in this answer. HMAC key of `GovLedger-Signature` (its UTF-8 bytes)',
  example: SECRET_EXAMPLE,
});

const Delivery = z
  .object({
    deliveryId: z
      .string()
      .meta({ description: 'Delivery id (the same in every attempt)', example: 'dlv_0f1e2d3c' }),
    eventId: z.string().meta({ description: 'Event id `<block>:<txId>`', example: '42:ab12' }),
    eventName: z.string().meta({ description: 'Event name', example: 'ProgramCreated' }),
    state: z
      .enum(['pending', 'delivered', 'superseded'])
      .meta({ description: 'pending, delivered (a 2xx), or superseded by a replay', example: 'delivered' }),
    attempts: z.number().int().meta({ description: 'Attempts made', example: 1 }),
    lastStatus: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'HTTP status of the last attempt', example: 200 }),
    lastError: z.string().nullable().meta({ description: 'Error of the last failed attempt', example: null }),
    nextAttemptAt: z.iso.datetime().nullable().meta({
      description: 'Earliest next attempt of a pending delivery (RFC 3339 date-time)',
      example: null,
    }),
    deliveredAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When it was acknowledged (RFC 3339 date-time)', example: TIME }),
  })
  .strict()
  .meta({ id: 'WebhookDelivery', description: 'One delivery of the outbox' });

/** The webhook admin routes. */
export function adminWebhookRoutes(deps: AdminWebhookDeps): AnyRoute[] {
  const names = Object.keys(deps.chaincodes) as [string, ...string[]];
  const known = (cc: string, name: string) =>
    Object.hasOwn((catalogue as Record<string, Record<string, unknown>>)[cc] ?? {}, name);
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/webhooks',
      operationId: 'createWebhook',
      summary: 'Register a webhook subscription (its secret is shown once)',
      description:
        'Deliveries are POSTed as JSON `{id, deliveryId, subscriptionId, chaincode, eventName, transactionId, blockNumber, payload}` ' +
        'and signed: `GovLedger-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`. They are strictly ' +
        'ordered, retried with exponential backoff and jitter until a 2xx, kept in a durable outbox across restarts, and carry ' +
        'only the events the registering identity may read (the scope rule of `GET /api/v1/events`). Events are read from ' +
        '`startBlock`, by default from the next block. A URL that is not http(s) is refused (400 `WEBHOOK_URL_INVALID`); ' +
        'an event name the chaincode does not emit is refused (400).',
      tags: TAGS,
      roles: [],
      successStatus: 201,
      body: z
        .object({
          url: z.string().max(2048).meta({
            description: 'Absolute http(s) URL deliveries are POSTed to',
            example: 'https://portal.example/hooks',
          }),
          chaincode: z.enum(names).meta({ description: 'Logical chaincode name', example: 'fund-tracing' }),
          events: z
            .array(z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/))
            .min(1)
            .max(64)
            .optional()
            .meta({
              description: 'Event names to deliver (of that chaincode); absent: every event',
              example: ['ProgramCreated', 'AlertRaised'],
            }),
          filters: z
            .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), z.string().max(256))
            .refine((f) => Object.keys(f).length <= 8, 'at most 8 filters')
            .optional()
            .meta({
              description:
                'Top-level payload field -> value: only events whose payload carries every value are delivered (they narrow, never widen, the scope)',
              example: { ownerMspId: 'CityAMSP' },
            }),
          startBlock: z
            .string()
            .regex(/^\d{1,20}$/, 'must be a block number')
            .optional()
            .meta({ description: 'First block to read (default: the next block)', example: '42' }),
        })
        .strict()
        .superRefine((b, ctx) => {
          for (const [i, name] of (b.events ?? []).entries()) {
            if (!known(b.chaincode, name))
              ctx.addIssue({
                code: 'custom',
                path: ['events', i],
                message: `${b.chaincode} emits no event ${name}`,
              });
          }
        }),
      response: z
        .object({
          subscription: Subscription,
          secret: Secret,
        })
        .strict()
        .meta({ id: 'CreatedWebhook', description: 'The new subscription and its secret (shown only here)' }),
      successHeaders: { Location: 'URL of the subscription (`/api/v1/admin/webhooks/{subscriptionId}`)' },
      async handle({ caller, input }) {
        const { url, chaincode, events, filters, startBlock } = input.body;
        const created = await deps.webhooks.create(caller, {
          url,
          chaincode,
          ...(events ? { events } : {}),
          ...(filters ? { filters } : {}),
          ...(startBlock !== undefined ? { startBlock: BigInt(startBlock) } : {}),
        });
        return {
          status: 201,
          body: { subscription: created.view, secret: created.secret },
          headers: { Location: `/api/v1/admin/webhooks/${created.view.subscriptionId}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/webhooks',
      operationId: 'listWebhooks',
      summary: "The caller's webhook subscriptions",
      tags: TAGS,
      roles: [],
      ledger: false,
      response: z
        .object({ subscriptions: z.array(Subscription).meta({ description: "The caller's subscriptions" }) })
        .strict(),
      async handle({ caller }) {
        return { status: 200, body: { subscriptions: await deps.webhooks.list(caller) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/webhooks/{subscriptionId}',
      operationId: 'getWebhook',
      summary: 'One webhook subscription: status, failures, pending deliveries, checkpoint',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      response: Subscription,
      async handle({ caller, input }) {
        return { status: 200, body: await deps.webhooks.get(caller, input.params.subscriptionId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/webhooks/{subscriptionId}/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'The most recent deliveries of a subscription (newest first)',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      response: z
        .object({ deliveries: z.array(Delivery).meta({ description: 'Up to 100 deliveries, newest first' }) })
        .strict(),
      async handle({ caller, input }) {
        return {
          status: 200,
          body: { deliveries: await deps.webhooks.deliveries(caller, input.params.subscriptionId, 100) },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/admin/webhooks/{subscriptionId}',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook subscription and its pending deliveries',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      response: Subscription,
      async handle({ caller, input }) {
        return { status: 200, body: await deps.webhooks.delete(caller, input.params.subscriptionId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/webhooks/{subscriptionId}/secret',
      operationId: 'rotateWebhookSecret',
      summary: 'Replace the signing secret (the new one is shown once; the old one stops at once)',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      response: z
        .object({
          subscriptionId: z.string().meta({ description: 'Subscription id', example: ID_EXAMPLE }),
          secret: Secret,
        })
        .strict(),
      async handle({ caller, input }) {
        const secret = await deps.webhooks.rotateSecret(caller, input.params.subscriptionId);
        return { status: 200, body: { subscriptionId: input.params.subscriptionId, secret } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/webhooks/{subscriptionId}/resume',
      operationId: 'resumeWebhook',
      summary: 'Resume a paused subscription (its oldest pending delivery is sent at once)',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      response: Subscription,
      async handle({ caller, input }) {
        return { status: 200, body: await deps.webhooks.resume(caller, input.params.subscriptionId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/webhooks/{subscriptionId}/replay',
      operationId: 'replayWebhook',
      summary: 'Deliver again every event from a block, or after an event id',
      description:
        'Pending deliveries are superseded; every event from `fromBlock` (inclusive), or right after `afterEventId` ' +
        '(`<block>:<txId>`, the `id` of a delivery), is delivered again in order, with new delivery ids and the same event ids.',
      tags: TAGS,
      roles: [],
      ledger: false,
      params: IdParams,
      body: z
        .object({
          fromBlock: z
            .string()
            .regex(/^\d{1,20}$/, 'must be a block number')
            .optional()
            .meta({ description: 'Replay from this block (inclusive)', example: '42' }),
          afterEventId: z.string().max(200).optional().meta({
            description: 'Replay right after this event id (`<block>:<txId>`)',
            example: '42:3f1c9a0e5b7d2c4f6a8e0b1d3c5f7a9e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f0a',
          }),
        })
        .strict()
        .meta({ description: 'Where to replay from: exactly one of the two', example: { fromBlock: '42' } })
        .refine((b) => (b.fromBlock === undefined) !== (b.afterEventId === undefined), {
          message: 'give exactly one of fromBlock and afterEventId',
        }),
      response: Subscription,
      async handle({ caller, input }) {
        return {
          status: 200,
          body: await deps.webhooks.replay(caller, input.params.subscriptionId, {
            ...(input.body.fromBlock !== undefined ? { fromBlock: BigInt(input.body.fromBlock) } : {}),
            ...(input.body.afterEventId !== undefined ? { afterEventId: input.body.afterEventId } : {}),
          }),
        };
      },
    }),
  ];
}
