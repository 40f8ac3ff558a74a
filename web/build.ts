import { copyFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

// Bundles the dashboard (web/src) into web/dist, which the admin API serves at /. Everything comes from npm packages: no CDN.
const web = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function buildDashboard(): Promise<void> {
  await rm(web("dist"), { recursive: true, force: true });
  await mkdir(web("dist"), { recursive: true });
  await build({
    entryPoints: [
      { in: web("src/main.tsx"), out: "app" },
      { in: web("src/styles.css"), out: "app" },
    ],
    outdir: web("dist"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: "warning",
  });
  await copyFile(web("index.html"), web("dist/index.html"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildDashboard();
