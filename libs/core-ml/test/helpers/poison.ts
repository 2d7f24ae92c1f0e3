/** The batch that kills crash-on-poison-worker's thread, and how it exits (kept apart: importing that worker outside a thread fails). */
export const POISON_ROWS = 13;
export const POISON_EXIT_CODE = 9;
