import type { Logger } from '../contracts/logger';

/** A logger that drops everything (tests). */
export const quietLogger: Logger = { log() {}, metrics() {}, progress() {} };
