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

async function runCommand(ctx: AppContext, argv: string[]): Promise<void> {
  const [command = "all", sub] = argv;
  const options = {
    role: { type: "string" },
    name: { type: "string" },
    partner: { type: "string" },
    id: { type: "string" },
  } as const;
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

  switch (`${command} ${["keys", "partners", "deliveries"].includes(command) ? sub : ""}`.trim()) {
    case "all":
    case "migrate":
      await migrate(ctx.pool, ctx.logger);
      if (command === "migrate") return;
      return runServices(ctx, "all");
    case "api":
    case "worker":
      return runServices(ctx, command as "api" | "worker");
    case "keys create": {
      const role = values.role;
      if (role !== "admin" && role !== "support" && role !== "partner") throw new UsageError("--role must be admin, support or partner");
      if (!values.name) throw new UsageError("--name is required");
      if ((role === "partner") !== Boolean(values.partner)) throw new UsageError("--partner <partnerId> is required for role partner and only for it");
      const created = await createApiKey(ctx.db, { name: values.name, role, partnerId: values.partner ?? null });
      return print({ ...created, note: "store the key now: it is not shown again" });
    }
    case "partners create": {
      if (!values.name) throw new UsageError("--name is required");
      const row = await ctx.db.insertInto("webhooks.partners").values({ name: values.name, ...(values.id ? { id: values.id } : {}) }).returningAll().executeTakeFirstOrThrow();
      return print(row);
    }
    case "deliveries show": {
      const deliveryId = positionals[2];
      if (!deliveryId) throw new UsageError("deliveries show needs a delivery id");
      const delivery = await ctx.db.selectFrom("webhooks.deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirst();
      if (!delivery) throw new UsageError(`delivery "${deliveryId}" was not found`);
      const attempts = await ctx.db.selectFrom("webhooks.delivery_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempt_number").execute();
      return print({ ...delivery, attempts });
    }
    default:
      throw new UsageError(`unknown command "${argv.join(" ")}"`);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
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
    await runCommand(ctx, argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
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
    process.exitCode = 1;
  },
);
