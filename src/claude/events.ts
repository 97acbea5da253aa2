// What init writes and the hooks read, kept in a module of its own so that a hook process loads
// nothing else for it.
export const DEFAULT_MAIN_HANDLE = '@main';
export const HOOK_EVENTS = ['SessionStart', 'SubagentStart', 'UserPromptSubmit', 'PreToolUse'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
