import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";
import type { Logger } from "../logger.ts";

/** Where `npm run build:web` (web/build.ts) writes the dashboard; git-ignored. */
export const DASHBOARD_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

// Everything the page loads is its own bundle: no inline script, no CDN, no framing.
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The support and partner dashboard at `/`: static files only; it talks to /v1 with the user's key. */
export function dashboardRouter(logger: Logger, dir = DASHBOARD_DIR): Router {
  const router = Router();
  if (!existsSync(`${dir}/index.html`)) {
    logger.warn("dashboard not built: / answers 503; run npm run build:web", { dir });
    router.get("/", (_req, res) => res.status(503).type("text").send("The dashboard is not built. Run: npm run build:web\n"));
    return router;
  }
  router.use(
    express.static(dir, {
      index: "index.html",
      redirect: false,
      setHeaders: (res) => {
        res.setHeader("content-security-policy", CONTENT_SECURITY_POLICY);
        res.setHeader("x-content-type-options", "nosniff");
        res.setHeader("referrer-policy", "no-referrer");
      },
    }),
  );
  return router;
}
