import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./raw-http-process.ts", import.meta.url));

/** Runs raw-http-process.ts in a child process and resolves when it has sent `count` POSTs. */
export function runRawHttp(url: string, count: number, concurrency: number): Promise<{ failures: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(SCRIPT, [JSON.stringify({ url, count, concurrency })], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (message: { failures: number }) => resolve({ failures: message.failures }));
    child.once("exit", (code) => reject(new Error(`raw HTTP client exited (${code}) before reporting`)));
  });
}
