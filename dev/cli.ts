import { pathToFileURL } from 'node:url';

// Each stand-in is a module (tests start it in-process) and a command (`npx tsx dev/<part>/server.ts`,
// what `npm run dev` spawns). This is the command half they share.

/** A port from the environment, or the default; anything else fails naming the variable. */
export function portFromEnv(variable: string, fallback: number): number {
  const text = process.env[variable];
  const port = Number(text ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${variable} must be a port number (0-65535), got "${text}"`);
  return port;
}

/**
 * When `moduleUrl` is the program Node was started with: runs `start`, then closes what it started on
 * SIGINT/SIGTERM and exits 0 (1 if closing fails). A start failure prints `name: message` and exits 1.
 */
export function runAsCommand(moduleUrl: string, name: string, start: () => Promise<{ close(): Promise<void> }>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  start().then(
    (running) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        running.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`${name}: shutdown after ${signal} failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
