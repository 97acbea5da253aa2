/* Logs go to stderr: on a stdio server, stdout carries only protocol messages. */
const write = (level: string, message: string, err?: unknown) => {
  const detail = err instanceof Error ? `: ${err.stack ?? err.message}` : err === undefined ? '' : `: ${String(err)}`;
  process.stderr.write(`[coordinator-mcp] ${level} ${message}${detail}\n`);
};

export const log = {
  info: (message: string) => write('info', message),
  warn: (message: string, err?: unknown) => write('warn', message, err),
  error: (message: string, err?: unknown) => write('error', message, err),
};
