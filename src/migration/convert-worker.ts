// A worker thread that runs schema conversions for convert_schema and plan_migration, so that a
// large script does not hold the server's event loop: flags, locks and pings keep answering while
// it converts. One conversion at a time per thread (see heavy.ts for the limits around it).
import { parentPort } from 'node:worker_threads';
import { convertWithinLimits, type ConvertRequest } from './heavy.js';

parentPort?.on('message', (req: ConvertRequest) => void convertWithinLimits(req).then((reply) => parentPort!.postMessage(reply)));
parentPort?.postMessage({ ready: true }); // the first message: loaded, the conversion clock may start
