import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from "kysely";
import type pg from "pg";
import { z } from "zod";
import { unstorableTextPath } from "../db/postgres-text.ts";
import type { Database } from "../db/types.ts";
import { eventDataSchemas, eventTypeSchema, type EventData, type EventType } from "./event-types.ts";

/** The caller's transaction: a Kysely transaction (of any database type) or a `pg` client inside BEGIN. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OutboxExecutor = Kysely<any> | pg.ClientBase;

export interface EnqueueEventInput<T extends EventType = EventType> {
  partnerId: string;
  type: T;
  /** The KYC user or transaction id the event is about; support searches by it. */
  subjectId: string;
  data: EventData<T>;
  /** Same key for the same partner ⇒ the first event wins and later calls return it with duplicate: true. */
  idempotencyKey?: string;
  occurredAt?: Date;
}

export interface EnqueuedEvent {
  eventId: string;
  deliveryId: string;
  duplicate: boolean;
}

export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Thrown for input the outbox refuses; the caller's transaction decides whether to roll back. */
export class OutboxInputError extends Error {
  override name = "OutboxInputError";
}

const inputSchema = z.object({
  partnerId: z.string().min(1, "partnerId is required"),
  type: eventTypeSchema,
  subjectId: z.string().min(1, "subjectId is required").max(200),
  data: z.unknown(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  occurredAt: z.date().optional(),
});

// Builds SQL only (never connects), so one query definition serves Kysely and pg callers alike.
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

async function execute<R>(executor: OutboxExecutor, query: Compilable<R>): Promise<R[]> {
  const compiled = query.compile();
  if (executor instanceof Kysely) return (await executor.executeQuery(compiled)).rows as R[];
  return (await executor.query(compiled.sql, compiled.parameters as unknown[])).rows as R[];
}

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues.map((issue) => `${[prefix, ...issue.path].join(".")}: ${issue.message}`).join("; ");
}

/**
 * Writes an event into the outbox inside the caller's transaction. The row trigger creates its
 * delivery and graphile-worker job in that same transaction, so the webhook is sent if and only if
 * the caller commits.
 */
export async function enqueueEvent<T extends EventType>(executor: OutboxExecutor, input: EnqueueEventInput<T>): Promise<EnqueuedEvent> {
  const parsedInput = inputSchema.safeParse(input);
  if (!parsedInput.success) throw new OutboxInputError(`invalid event: ${describeIssues(parsedInput.error, "")}`.replace(": .", ": "));
  const { partnerId, type, subjectId, idempotencyKey, occurredAt } = parsedInput.data;
  const data = eventDataSchemas[type].safeParse(input.data);
  if (!data.success) throw new OutboxInputError(`invalid data for ${type}: ${describeIssues(data.error, "data")}`);
  const unstorable = unstorableTextPath(data.data, "data");
  if (unstorable !== null) {
    throw new OutboxInputError(`${unstorable} holds a NUL character or an unpaired UTF-16 surrogate, which PostgreSQL cannot store`);
  }
  const payload = JSON.stringify(data.data);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    throw new OutboxInputError(`data is ${Buffer.byteLength(payload)} bytes as JSON; the limit is ${MAX_PAYLOAD_BYTES} bytes`);
  }

  let inserted: { id: string }[];
  try {
    inserted = await execute(
      executor,
      builder
        .insertInto("webhooks.outbox")
        .values({
          partner_id: partnerId,
          event_type: type,
          subject_id: subjectId,
          payload,
          ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
          ...(occurredAt === undefined ? {} : { occurred_at: occurredAt }),
        })
        .onConflict((oc) => oc.columns(["partner_id", "idempotency_key"]).doNothing())
        .returning("id"),
    );
  } catch (error) {
    const constraint = (error as { constraint?: string }).constraint;
    if (constraint === "outbox_partner_must_exist") {
      throw new OutboxInputError(`unknown partner "${partnerId}": create the partner first (POST /v1/partners)`, { cause: error });
    }
    if (constraint === "outbox_payload_at_most_1mib") {
      throw new OutboxInputError(`data is larger than ${MAX_PAYLOAD_BYTES} bytes as PostgreSQL stores it (jsonb text); send less`, { cause: error });
    }
    throw error;
  }

  const eventQuery = builder
    .selectFrom("webhooks.outbox as e")
    .innerJoin("webhooks.deliveries as d", "d.event_id", "e.id")
    .select(["e.id as eventId", "d.id as deliveryId"]);
  const [row] = await execute(
    executor,
    inserted[0]
      ? eventQuery.where("e.id", "=", inserted[0].id)
      : eventQuery.where("e.partner_id", "=", partnerId).where("e.idempotency_key", "=", idempotencyKey!),
  );
  if (!row) throw new Error(`event for partner "${partnerId}" was not found after insert; is migration 0002 (the outbox trigger) applied?`);
  return { eventId: row.eventId, deliveryId: row.deliveryId, duplicate: inserted.length === 0 };
}
