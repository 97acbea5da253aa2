/** Every timestamp the store keeps: ISO 8601, UTC, milliseconds ("2026-11-27T16:13:24.123Z"). */
export const nowIso = (): string => new Date().toISOString();
