#!/usr/bin/env node
// Runs the TypeScript CLI (electron/cli.ts) in place through tsx, so
// `npx tellframe` works straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli.ts');
