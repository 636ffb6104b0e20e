#!/usr/bin/env node
// npm bin entry: registers tsx so the TypeScript CLI runs without a build step, then hands over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
