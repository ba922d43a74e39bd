#!/usr/bin/env node
// the built kbs in one file (npm run build: tsc, then scripts/bundle.mjs); without the bundle
// (esbuild not installed yet: run npm ci) the unbundled build in dist/src
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/kbs.mjs', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/entry.js');
