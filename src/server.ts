/**
 * Process entry: `npm start`, `npx strata`, `node dist/server.js`; main.ts does the work. V8's settings for the start
 * are held before any of Strata's modules load (v8-tuning.ts), so this file imports nothing else statically.
 */
import { holdDuringStart } from './v8-tuning.js';

holdDuringStart();
await import('./main.js');
