/** One day in epoch milliseconds (UTC days: the core never uses local time). */
export const DAY_MS = 86_400_000;
