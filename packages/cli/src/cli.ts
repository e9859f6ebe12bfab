#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Let stdout drain before leaving (piped output of cat can be large).
process.stdout.write('', () => process.exit(code));
