import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser, LAPTOP, PHONE } from "../helpers/browser.ts";
import { createTemplateDatabase, createTestDatabase, dropTemplateDatabase } from "../helpers/test-database.ts";
import { startDashboardScene } from "./dashboard-scene.ts";

// npm run screenshots: the README's pictures of the real pages, against the same scene as the browser tests.
const OUT = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

await mkdir(OUT, { recursive: true });
await createTemplateDatabase();
const t = await createTestDatabase();
const scene = await startDashboardScene(t);
const browser = await launchBrowser();
try {
  for (const [size, viewport] of [["laptop", LAPTOP], ["phone", PHONE]] as const) {
    const page: Page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    const shot = async (name: string) => {
      // Focus rings of the page's own heading focus are not what a reader sees on arrival by mouse.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.screenshot({ path: `${OUT}/${name}-${size}.png`, fullPage: size === "laptop" });
    };

    await page.goto(scene.api.base + "/");
    await page.getByLabel("API key").waitFor();
    await shot("sign-in");

    await page.getByLabel("API key").fill(scene.keys.support);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("tbody tr").first().waitFor();
    await page.waitForFunction(() => document.querySelector(".count-failed .count-number")?.textContent !== "…");
    await shot("deliveries");

    await page.goto(`${scene.api.base}/#/deliveries/${scene.failing.deliveryId}`);
    await page.locator(".timeline > li").first().waitFor();
    await page.locator(".timeline details").first().evaluate((details) => ((details as HTMLDetailsElement).open = true));
    await shot("delivery");

    await page.evaluate(() => sessionStorage.clear());
    await page.goto(scene.api.base + "/");
    await page.getByLabel("API key").fill(scene.keys.acme);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Webhook settings" }).click();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Rotate now" }).click();
    await page.getByLabel("Signing secret", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByText(/Test delivery arrived/).waitFor();
    await shot("webhook-settings");
    await page.close();
  }
} finally {
  await browser.close();
  await scene.stop();
  await t.drop();
  await dropTemplateDatabase();
}
console.log(`screenshots written to ${OUT}`);
