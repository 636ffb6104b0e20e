#!/usr/bin/env node
// npm bin entry. Node (>= 22.18) runs the TypeScript CLI itself by stripping its types, so there is
// no build step and no loader. Stripping costs ~100 ms on every start; Node's compile cache keeps
// the stripped and compiled modules (keyed by their content, in NODE_COMPILE_CACHE or the OS temp
// directory), so only the first run after a change pays it.
import module from 'node:module';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `error: backstop needs Node.js >= 22.18 (24 recommended), this is ${process.version}; README.md says how to install Node 24\n`,
  );
  process.exit(1);
}
module.enableCompileCache?.();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
