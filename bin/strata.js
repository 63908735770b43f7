#!/usr/bin/env node
// The `strata` command (`npx strata --port 4588 --data-dir ./data`; `strata --help` lists every setting).
import '../dist/server.js';
