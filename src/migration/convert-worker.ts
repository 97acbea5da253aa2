// A worker thread that runs schema conversions for convert_schema and plan_migration, so that a
// large script does not hold the server's event loop: flags, locks and pings keep answering while
// it converts. One conversion at a time per thread (see heavy.ts for the limits around it).
import { parentPort } from 'node:worker_threads';
import { CoordinatorError } from '../errors.js';
import { convertSchema } from './convert/index.js';
import type { ConvertReply, ConvertRequest } from './heavy.js';

function convert(req: ConvertRequest): ConvertReply {
  try {
    const result = convertSchema(req.ddl, req.from);
    // Measured here, so a refused answer is never copied to the main thread.
    const chars = JSON.stringify(result).length;
    if (chars > req.maxAnswerChars) return { ok: false, tooLarge: chars, summary: result.summary };
    return { ok: true, result };
  } catch (err) {
    if (err instanceof CoordinatorError) return { ok: false, refusal: { code: err.code, message: err.message, details: err.details } };
    return { ok: false, internal: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (req: ConvertRequest) => parentPort!.postMessage(convert(req)));
parentPort?.postMessage({ ready: true }); // the first message: loaded, the conversion clock may start
