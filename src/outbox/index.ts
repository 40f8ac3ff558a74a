// The public write API that backend teams import.
export { enqueueEvent, OutboxInputError, MAX_PAYLOAD_BYTES, type EnqueueEventInput, type EnqueuedEvent, type OutboxExecutor } from "./enqueue-event.ts";
export { EVENT_TYPES, eventDataSchemas, type EventType, type EventData } from "./event-types.ts";
