// What init writes and the hooks read, kept in a module of its own so that a hook process loads
// nothing else for it.
import { invalid } from '../errors.js';

export const DEFAULT_MAIN_HANDLE = '@main';
export const HOOK_EVENTS = ['SessionStart', 'SubagentStart', 'UserPromptSubmit', 'PreToolUse'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** The environment variable the .mcp.json entry of a remote coordinator reads its token from. */
export const TOKEN_ENV = 'COORDINATOR_TOKEN';

/**
 * A remote coordinator's URL, checked: http(s), with a host; a bare origin gets the endpoint /mcp.
 * Throws naming the rule otherwise.
 */
export function remoteUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid('remote', 'url', `--remote must be the server's URL, as https://coordinator.example.com/mcp (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('remote', 'url', `--remote must be an http:// or https:// URL (got ${url.protocol})`);
  if (url.username || url.password) throw invalid('remote', 'no_credentials', '--remote must not carry a user or password: the token goes in $COORDINATOR_TOKEN');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url.href;
}
