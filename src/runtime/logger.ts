/** Where the runtime reports what users should see (skipped messages, DLQ sends, shutdown). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(`[bindery] ${message}`),
  warn: (message) => console.warn(`[bindery] ${message}`),
  error: (message, error) => console.error(`[bindery] ${message}`, error ?? ''),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
