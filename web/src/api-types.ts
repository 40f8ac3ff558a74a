// The admin API's JSON shapes the dashboard reads, as /openapi.json describes them (components DeliverySummary, DeliveryDetail, …).

export type Role = "admin" | "support" | "partner";
export type DeliveryStatus = "pending" | "succeeded" | "failed" | "skipped";
export const DELIVERY_STATUSES: DeliveryStatus[] = ["pending", "succeeded", "failed", "skipped"];
export const EVENT_TYPES = ["kyc.status_updated", "transaction.status_updated", "webhook.test"] as const;
export const SUBSCRIBABLE_EVENT_TYPES = ["kyc.status_updated", "transaction.status_updated"] as const;
export type SubscribableEventType = (typeof SUBSCRIBABLE_EVENT_TYPES)[number];

export interface Me {
  keyId: string;
  role: Role;
  partnerId: string | null;
}

export interface Problem {
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

export interface DeliverySummary {
  id: string;
  eventId: string;
  partnerId: string;
  eventType: string;
  subjectId: string;
  status: DeliveryStatus;
  skipReason: string | null;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastErrorCode: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface DeliveryPage {
  data: DeliverySummary[];
  nextCursor: string | null;
}

export interface Attempt {
  attemptNumber: number;
  trigger: "initial" | "retry" | "redeliver";
  startedAt: string;
  durationMs: number;
  url: string;
  responseStatus: number | null;
  responseBody: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  nextAttemptAt: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  event: { id: string; type: string; subjectId: string; data: unknown; occurredAt: string };
  attempts: Attempt[];
}

export interface DeliveryCounts {
  partnerId: string | null;
  counts: Record<DeliveryStatus, { count: number; capped: boolean }>;
}

export interface WebhookSettings {
  partnerId: string;
  url: string;
  enabled: boolean;
  eventTypes: SubscribableEventType[] | null;
  previousSecretExpiresAt: string | null;
  updatedAt: string;
}

export interface Partner {
  id: string;
  name: string;
}
