import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CoordinatorError, invalid, type ErrorCode, type ErrorDetails } from '../errors.js';
import { packagePath } from '../paths.js';
import type { ConvertedTable } from './convert/convert.js';
import { convertSchema, convertedTables, type ConversionResult } from './convert/index.js';
import { validateConversion } from './convert/validate.js';

/** Conversions running at once (each on a worker thread of its own); the machine may have two cores. */
export const MAX_RUNNING_CONVERSIONS = 1;
/** Conversions waiting for a thread; beyond this a call is refused as busy at once. */
export const MAX_WAITING_CONVERSIONS = 4;
/** A conversion running longer is stopped (its thread is ended) and refused. */
export const CONVERT_TIMEOUT_MS = 30_000;
/** Added to the limit when the output is checked in PGlite (its first start takes seconds on a busy machine). */
export const VALIDATE_EXTRA_MS = 60_000;
/** The conversion's answer, as JSON, in characters: the answer goes out twice (structuredContent and text). */
export const MAX_ANSWER_CHARS = 3_000_000;
/** The thread's V8 heap: a script that needs more is refused. */
export const CONVERT_HEAP_MB = 512;

export interface ConvertRequest {
  ddl: string;
  from: string;
  maxAnswerChars: number;
  /** The PostgreSQL schema to create the objects in (convert_schema's schema option). */
  schema?: string;
  /** Run the output in PGlite (convert_schema; plan_migration does not). */
  validate?: boolean;
}

export type ConvertReply =
  | { ok: true; result: ConversionResult; tables: ConvertedTable[] }
  | { ok: false; tooLarge: number; summary: ConversionResult['summary'] }
  | { ok: false; refusal: { code: ErrorCode; message: string; details: ErrorDetails } }
  | { ok: false; internal: string };

// The built thread (a bundle of convert-worker.ts), also when the code runs from the sources.
const WORKER = packagePath('dist', 'convert-worker.js');

const tooLarge = (field: string, chars: number) =>
  invalid(field, 'answer_size', `the conversion's answer would be ${chars} characters of JSON; at most ${MAX_ANSWER_CHARS} are sent. Split the script and convert it in parts (a few thousand tables or columns at a time)`, {
    current_length: chars, required_length: MAX_ANSWER_CHARS,
  });

/**
 * One conversion with its answer cap, as the thread runs it (and the pool, when no thread is
 * built): the answer is measured where it is made, so a refused one is never copied.
 */
export async function convertWithinLimits(req: ConvertRequest): Promise<ConvertReply> {
  try {
    const converted = convertSchema(req.ddl, req.from, req.schema === undefined ? {} : { schema: req.schema });
    const unchecked = req.validate !== true;
    if (unchecked) Object.assign(converted, { validation: { checked: false as const, reason: 'not requested (validate: false)' } });
    // an answer refused for its size is refused before the (slower) check in PostgreSQL; without
    // the check, this one measure is the answer's size
    const before = JSON.stringify(converted).length;
    if (before > req.maxAnswerChars) return { ok: false, tooLarge: before, summary: converted.summary };
    // the tables are read before the check: validation returns the result with its DDL rewritten
    const tables = convertedTables(converted);
    const result = unchecked ? (converted as ConversionResult) : await validateConversion(converted);
    const chars = unchecked ? before : JSON.stringify(result).length;
    if (chars > req.maxAnswerChars) return { ok: false, tooLarge: chars, summary: result.summary };
    // the tables ride beside the result: convertedTables() keeps them in a WeakMap, which a thread's reply does not carry
    return { ok: true, result, tables };
  } catch (err) {
    if (err instanceof CoordinatorError) return { ok: false, refusal: { code: err.code, message: err.message, details: err.details } };
    return { ok: false, internal: err instanceof Error ? err.message : String(err) };
  }
}

const TABLES = new WeakMap<ConversionResult, ConvertedTable[]>();
/** The converted tables of a result, whether it was made here or on a thread. */
export const tablesOf = (r: ConversionResult): ConvertedTable[] => TABLES.get(r) ?? convertedTables(r);

/** The conversion a reply carries, or the refusal it stands for (field: ddl or source_ddl). */
function settle(reply: ConvertReply, field: string): ConversionResult {
  if (reply.ok) {
    TABLES.set(reply.result, reply.tables);
    return reply.result;
  }
  if ('tooLarge' in reply) throw tooLarge(field, reply.tooLarge);
  if ('refusal' in reply) throw new CoordinatorError(reply.refusal.code, reply.refusal.message, reply.refusal.details);
  throw new Error(reply.internal);
}

/**
 * Runs schema conversions off the main thread: at most MAX_RUNNING_CONVERSIONS at once, at most
 * MAX_WAITING_CONVERSIONS waiting (more are refused with code busy), each stopped after
 * CONVERT_TIMEOUT_MS, each answer at most MAX_ANSWER_CHARS. Threads are kept for the next call.
 */
export class ConversionPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly idle: Worker[] = [];
  /** Resolves when a thread has loaded (its first message): the time limit counts the conversion, not the start-up. */
  private readonly readyOf = new WeakMap<Worker, Promise<void>>();

  constructor(private readonly timeoutMs = CONVERT_TIMEOUT_MS) {}

  /** field names the argument that holds the script in the refusals (ddl or source_ddl). */
  async convert(ddl: string, from: string, field = 'ddl', options: { schema?: string; validate?: boolean } = {}): Promise<ConversionResult> {
    if (this.running >= MAX_RUNNING_CONVERSIONS) {
      if (this.waiting.length >= MAX_WAITING_CONVERSIONS) {
        throw new CoordinatorError('busy', `schema conversion is busy: ${this.running} running and ${this.waiting.length} waiting (at most ${MAX_WAITING_CONVERSIONS} may wait); nothing was converted, retry in a few seconds`, {
          field, rule: 'queue_full', max_waiting: MAX_WAITING_CONVERSIONS,
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await this.run({ ddl, from, maxAnswerChars: MAX_ANSWER_CHARS, validate: options.validate === true, ...(options.schema === undefined ? {} : { schema: options.schema }) }, field);
    } finally {
      // The slot passes straight to the next waiting call, so a new call cannot jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private async run(request: ConvertRequest, field: string): Promise<ConversionResult> {
    if (!existsSync(WORKER)) {
      // Not built (a test running the sources): convert here, the same way the thread does.
      return settle(await convertWithinLimits(request), field);
    }
    const worker = this.idle.pop() ?? this.start();
    await this.readyOf.get(worker);
    return new Promise<ConversionResult>((resolve, reject) => {
      const done = (keep: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (keep) this.idle.push(worker);
        else void worker.terminate();
      };
      const onMessage = (reply: ConvertReply) => {
        done(true);
        try {
          resolve(settle(reply, field));
        } catch (err) {
          reject(err);
        }
      };
      const onError = (err: Error & { code?: string }) => {
        done(false);
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(invalid(field, 'memory_limit', `the conversion needed more than ${CONVERT_HEAP_MB} MB and was stopped; split the script and convert it in parts`, { limit_mb: CONVERT_HEAP_MB }));
        } else {
          reject(err);
        }
      };
      const onExit = (code: number) => {
        done(false);
        reject(new Error(`the conversion thread ended unexpectedly (exit code ${code})`));
      };
      const timer = setTimeout(() => {
        done(false);
        reject(invalid(field, 'timeout', `the conversion ran longer than ${(this.timeoutMs + (request.validate ? VALIDATE_EXTRA_MS : 0)) / 1000} s and was stopped; split the script and convert it in parts`, { limit_seconds: (this.timeoutMs + (request.validate ? VALIDATE_EXTRA_MS : 0)) / 1000 }));
      }, this.timeoutMs + (request.validate ? VALIDATE_EXTRA_MS : 0));
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: CONVERT_HEAP_MB } });
    worker.unref();
    this.readyOf.set(worker, new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the conversion thread ended while starting (exit code ${code})`)));
    }));
    return worker;
  }

  close(): void {
    for (const worker of this.idle.splice(0)) void worker.terminate();
  }
}
