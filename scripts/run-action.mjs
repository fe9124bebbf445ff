#!/usr/bin/env node
// Runs the bundled action on a project the way GitHub's runner does: INPUT_* variables, GITHUB_OUTPUT,
// GITHUB_STATE (then STATE_* for the post step), GITHUB_STEP_SUMMARY and RUNNER_TEMP; then prints what it set.
//
//   node scripts/run-action.mjs <tier> [project-dir] [input=value ...]
//   e.g. node scripts/run-action.mjs critical example workers=2
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const [tier, project = 'example', ...pairs] = process.argv.slice(2)
if (!tier || tier === '--help') {
  console.log('usage: node scripts/run-action.mjs <tier> [project-dir] [input=value ...]')
  process.exit(tier ? 0 : 2)
}
const inputs = { tier, ...Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) }
const workspace = path.resolve(project)
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-local-'))
const files = Object.fromEntries(['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map((k) => [k, path.join(temp, k.toLowerCase())]))
for (const f of Object.values(files)) fs.writeFileSync(f, '')

/** Reads a GITHUB_OUTPUT-style file of `name<<delimiter` blocks. */
function readCommandFile(file) {
  const out = {}
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const end = lines.indexOf(m[2], i + 1)
    out[m[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return out
}

function step(script, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', script)], {
      cwd: workspace,
      stdio: 'inherit',
      env: { ...process.env, ...files, ...env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp }
    })
    // A Ctrl-C reaches the child through the terminal's process group; wait for it to finish.
    process.on('SIGINT', () => undefined)
    child.on('close', (code) => resolve(code ?? 1))
  })
}

const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
const code = await step('main.js', inputEnv)
const state = readCommandFile(files.GITHUB_STATE)
await step('post.js', Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])))
console.log('\n--- outputs ---')
for (const [k, v] of Object.entries(readCommandFile(files.GITHUB_OUTPUT))) console.log(`${k}: ${v}`)
console.log(`--- step summary: ${files.GITHUB_STEP_SUMMARY} ---`)
console.log(`main exited with ${code}`)
process.exit(code)
