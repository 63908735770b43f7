/**
 * Process entry: `npm start`, `npx strata`, `node dist/server.js`; main.ts does the work. The young generation is
 * held at its initial size before any of Strata's modules load (young-generation.ts), so this file imports
 * nothing else statically.
 */
import { holdYoungGeneration } from './young-generation.js';

holdYoungGeneration();
await import('./main.js');
