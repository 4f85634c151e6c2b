#!/usr/bin/env node
// The published entry point: runs the compiled CLI (built by `npm run build`, which `npm install` runs through `prepare`).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
