import { parseArgs } from "node:util";
import { startAdminServer } from "./admin/server.ts";
import { createApiKey } from "./admin/api-key-store.ts";
import { ConfigError, loadConfig, withDatabaseUrl } from "./config.ts";
import { createAppContext, type AppContext } from "./context.ts";
import { migrate } from "./db/migrator.ts";
import { resolveDatabase } from "./db/resolve-database.ts";
import { createLogger } from "./logger.ts";
import { startWorker } from "./worker/run-worker.ts";

const USAGE = `Usage: npm start -- <command> [options]

Commands:
  all                      migrations, then the admin API and the delivery worker in one process (default)
  migrate                  apply pending migrations and exit
  api                      run the admin API only
  worker                   run the delivery worker only (run as many as you like)
  keys create --role <admin|support|partner> --name <name> [--partner <partnerId>]
                           create an API key and print it once
  partners create --name <name> [--id <partnerId>]
                           create a partner
  deliveries show <deliveryId>
                           print a delivery with every attempt as JSON

Configuration comes from the environment; see .env.example.`;

class UsageError extends Error {}

type Service = { stop(): Promise<void> };

async function runServices(ctx: AppContext, command: "all" | "api" | "worker"): Promise<void> {
  const services: Service[] = [];
  // A worker-only process still answers /healthz, /readyz and /metrics on PORT.
  const server = await startAdminServer(ctx, ctx.config.port, { opsOnly: command === "worker" });
  services.push({ stop: () => server.close() });
  if (command !== "api") services.push(await startWorker(ctx));
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      ctx.logger.info("shutting down gracefully; send the signal again to exit at once", { signal });
      resolve();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  await Promise.all(services.map((service) => service.stop()));
}

type Command =
  | { kind: "all" | "migrate" | "api" | "worker" }
  | { kind: "keys create"; role: "admin" | "support" | "partner"; name: string; partnerId: string | null }
  | { kind: "partners create"; name: string; id: string | undefined }
  | { kind: "deliveries show"; deliveryId: string };

/** Validates the command line before anything starts (no database, no embedded server for a typo). */
function parseCommand(argv: string[]): Command {
  const options = { role: { type: "string" }, name: { type: "string" }, partner: { type: "string" }, id: { type: "string" } } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command = "all", sub] = positionals;
  const kind = ["keys", "partners", "deliveries"].includes(command) ? `${command} ${sub ?? ""}`.trim() : command;
  const expectPositionals = (n: number) => {
    if (positionals.length !== n) throw new UsageError(`unexpected arguments: "${argv.join(" ")}"`);
  };
  switch (kind) {
    case "all":
    case "migrate":
    case "api":
    case "worker":
      expectPositionals(argv.length === 0 ? 0 : 1);
      return { kind };
    case "keys create": {
      expectPositionals(2);
      const role = values.role;
      if (role !== "admin" && role !== "support" && role !== "partner") throw new UsageError("--role must be admin, support or partner");
      if (!values.name) throw new UsageError("--name is required");
      if ((role === "partner") !== Boolean(values.partner)) throw new UsageError("--partner <partnerId> is required for role partner and only for it");
      return { kind, role, name: values.name, partnerId: values.partner ?? null };
    }
    case "partners create":
      expectPositionals(2);
      if (!values.name) throw new UsageError("--name is required");
      return { kind, name: values.name, id: values.id };
    case "deliveries show":
      if (!positionals[2]) throw new UsageError("deliveries show needs a delivery id");
      expectPositionals(3);
      return { kind, deliveryId: positionals[2] };
    default:
      throw new UsageError(`unknown command "${argv.join(" ")}"`);
  }
}

async function runCommand(ctx: AppContext, command: Command): Promise<void> {
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
  switch (command.kind) {
    case "all":
    case "migrate":
      await migrate(ctx.pool, ctx.logger);
      if (command.kind === "migrate") return;
      return runServices(ctx, "all");
    case "api":
    case "worker":
      return runServices(ctx, command.kind);
    case "keys create": {
      const created = await createApiKey(ctx.db, { name: command.name, role: command.role, partnerId: command.partnerId });
      return print({ ...created, note: "store the key now: it is not shown again" });
    }
    case "partners create": {
      const row = await ctx.db.insertInto("webhooks.partners").values({ name: command.name, ...(command.id ? { id: command.id } : {}) }).returningAll().executeTakeFirstOrThrow();
      return print(row);
    }
    case "deliveries show": {
      const delivery = await ctx.db.selectFrom("webhooks.deliveries").selectAll().where("id", "=", command.deliveryId).executeTakeFirst();
      if (!delivery) throw new UsageError(`delivery "${command.deliveryId}" was not found`);
      const attempts = await ctx.db.selectFrom("webhooks.delivery_attempts").selectAll().where("delivery_id", "=", command.deliveryId).orderBy("attempt_number").execute();
      return print({ ...delivery, attempts });
    }
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  let command: Command;
  let config;
  try {
    command = parseCommand(argv);
    config = loadConfig();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  const ctx = createAppContext(withDatabaseUrl(config, database.url), logger);
  try {
    await runCommand(ctx, command);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  } finally {
    await ctx.close();
    // Last, so an embedded server outlives every delivery being recorded.
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    createLogger("error").error("fatal error, exiting", { error: error instanceof Error ? error.stack : String(error) });
    // Open handles (pool, timers) would keep a failed process alive; give the log line a moment, then exit.
    setTimeout(() => process.exit(1), 200);
  },
);
