#!/usr/bin/env node
// the built kbs in one file (npm run build: tsc, then scripts/bundle.mjs)
import '../dist/kbs.mjs';
