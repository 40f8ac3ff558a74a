import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { ConfigError, envToConfig } from "../src/config.ts";

describe("config", () => {
  it("has the documented defaults", () => {
    const config = envToConfig({});
    expect(config).to.include({ port: 3000, appEnv: "development", workerConcurrency: 10, slowPartnerSlots: 2, webhookTimeoutMs: 10_000, allowPrivateUrls: false });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it("leaves DATABASE_URL unset for the embedded server and keeps 30 days by default", () => {
    expect(envToConfig({})).to.include({ databaseUrl: undefined, retentionDays: 30 });
    expect(() => envToConfig({ RETENTION_DAYS: "0" })).to.throw(ConfigError, "RETENTION_DAYS");
  });

  it("names every bad variable", () => {
    expect(() => envToConfig({ PORT: "abc", WEBHOOK_TIMEOUT_MS: "-1", WEBHOOK_ALLOW_PRIVATE_URLS: "yes" }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.contains("PORT")
      .and.contains("WEBHOOK_TIMEOUT_MS")
      .and.contains('WEBHOOK_ALLOW_PRIVATE_URLS: must be "true" or "false"');
  });

  it("the process refuses to start on bad config, naming the variable", () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", main, "worker"], {
      env: { ...process.env, APP_ENV: "prod" },
      encoding: "utf8",
    });
    expect(run.status).to.equal(78);
    expect(run.stderr).to.contain("APP_ENV");
  });
});
