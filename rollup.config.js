// Three entry points share one ESM bundle: the action's main and post steps, and the CLI.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { chmodSync } from 'node:fs'

export default {
  input: { main: 'src/main.ts', post: 'src/post.ts', cli: 'src/cli.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name].js',
    banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    sourcemap: false
  },
  plugins: [
    typescript({ tsconfig: 'tsconfig.build.json' }),
    nodeResolve({ preferBuiltins: true }),
    commonjs(),
    json(),
    // The CLI is the package's bin (`npx pytest-tier`): it must stay executable, as git records it.
    { name: 'executable-cli', writeBundle: (options) => chmodSync(`${options.dir}/cli.js`, 0o755) }
  ],
  onwarn(warning, warn) {
    // The toolkit's dependencies use `this` at module scope and have circular imports; both are harmless.
    if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
    warn(warning)
  }
}
