import { ConfigError, loadConfig, withDatabaseUrl } from "./config.ts";
import { createAppContext } from "./context.ts";
import { migrate } from "./db/migrator.ts";
import { resolveDatabase } from "./db/resolve-database.ts";
import { createLogger } from "./logger.ts";
import { startWorker } from "./worker/run-worker.ts";

const USAGE = `Usage: npm start [-- <command>]

Commands:
  all       run migrations, then the delivery worker (default)
  migrate   apply pending migrations and exit
  worker    run the delivery worker (migrations must be applied)
Configuration comes from the environment; see .env.example.`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? "all";
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (!["all", "migrate", "worker"].includes(command) || argv.length > 1) {
    console.error(`Unknown command "${argv.join(" ")}".\n\n${USAGE}`);
    return 2;
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
  // An error before the end leaves the embedded server to the exit hook in src/db/embedded-postgres.ts.
  const database = await resolveDatabase(config, logger);
  const ctx = createAppContext(withDatabaseUrl(config, database.url), logger);

  if (command === "all" || command === "migrate") {
    await migrate(ctx.pool, logger);
    if (command === "migrate") {
      await ctx.close();
      await database.stop();
      return 0;
    }
  }

  const worker = await startWorker(ctx);
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      logger.info("shutting down gracefully; send the signal again to exit at once", { signal });
      resolve();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  await worker.stop();
  await ctx.close();
  // Last, so the embedded server outlives every delivery being recorded.
  await database.stop();
  logger.info("stopped");
  return 0;
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
