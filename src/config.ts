import { z } from "zod";
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from "./delivery/retry-schedule.ts";

const booleanText = z
  .enum(["true", "false", "1", "0"], { message: 'must be "true" or "false"' })
  .transform((value) => value === "true" || value === "1");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  // Unset means: run the embedded PostgreSQL (src/db/resolve-database.ts).
  DATABASE_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  APP_ENV: z.enum(["development", "staging", "production"]).default("development"),
  LOG_LEVEL: z.enum(["error", "warn", "info", "http", "verbose", "debug", "silly"]).default("info"),
  WORKER_CONCURRENCY: positiveInt(10),
  WORKER_HEARTBEAT_MS: positiveInt(10_000),
  WORKER_SLOW_PARTNER_SLOTS: positiveInt(2),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((text, ctx) => {
      try {
        return parseRetrySchedule(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  WEBHOOK_ALLOW_PRIVATE_URLS: booleanText.default(false),
  ADMIN_API_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  RETENTION_DAYS: positiveInt(30),
});

export type Config = Readonly<{
  /** undefined: use the embedded PostgreSQL. */
  databaseUrl: string | undefined;
  port: number;
  appEnv: "development" | "staging" | "production";
  logLevel: string;
  workerConcurrency: number;
  /** How often a worker process proves it is alive; silent for 3× this ⇒ its jobs are unlocked. */
  workerHeartbeatMs: number;
  /** Attempts a slow partner (one taking over 1 s) may have in flight per worker process; the rest wait. */
  slowPartnerSlots: number;
  webhookTimeoutMs: number;
  /** Delays in ms before attempts 2, 3, …; its length + 1 is the number of attempts per cycle. */
  retryScheduleMs: readonly number[];
  allowPrivateUrls: boolean;
  adminApiKey: string | undefined;
  /** Attempts and finished events older than this many days are pruned. */
  retentionDays: number;
}>;

/** Config once the database is known (DATABASE_URL, or the embedded server's URL). */
export type ConnectedConfig = Config & Readonly<{ databaseUrl: string }>;

export function withDatabaseUrl(config: Config, databaseUrl: string): ConnectedConfig {
  return Object.freeze({ ...config, databaseUrl });
}

/** The environment variables we read, as strings; empty strings count as unset. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const keys = Object.keys(envSchema.shape);
  return Object.fromEntries(keys.map((key) => [key, env[key] === "" ? undefined : env[key]]));
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Typed, defaulted, frozen config; a bad value throws a ConfigError naming every bad variable. */
export function envToConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration, fix these environment variables:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    appEnv: e.APP_ENV,
    logLevel: e.LOG_LEVEL,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerHeartbeatMs: e.WORKER_HEARTBEAT_MS,
    slowPartnerSlots: e.WORKER_SLOW_PARTNER_SLOTS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    retryScheduleMs: Object.freeze(e.WEBHOOK_RETRY_SCHEDULE),
    allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
    adminApiKey: e.ADMIN_API_KEY,
    retentionDays: e.RETENTION_DAYS,
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return envToConfig(readEnv(env));
}
