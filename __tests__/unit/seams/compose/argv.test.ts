import * as fs from 'node:fs'
import { parseComposeConfig } from '../../../../src/seams/compose/compose-config.js'
import { composeBase, downArgs, projectName, runArgs, upWaitArgs, type ComposeProject } from '../../../../src/seams/compose/argv.js'

const fixture = (name: string): string => fs.readFileSync(new URL(`../../../fixtures/compose/${name}`, import.meta.url), 'utf8')

describe('parseComposeConfig', () => {
  it.each(['example-config.yml', 'v1-config.yml'])('reads services, dependencies, binds and working_dir from %s', (file) => {
    const m = parseComposeConfig(fixture(file))
    expect(m.services.sort()).toEqual(['stub', 'test'])
    expect(m.dependsOn('test')).toEqual(['stub'])
    expect(m.dependsOn('stub')).toEqual([])
    expect(m.workingDir('test')).toBe('/app')
    expect(m.binds('test')).toEqual([{ source: '/work/main/example', target: '/app' }])
    expect(m.binds('nope')).toEqual([])
  })

  it('treats an empty file as no services', () => {
    expect(parseComposeConfig('').services).toEqual([])
  })
})

const p: ComposeProject = {
  cli: { bin: 'docker', prefix: ['compose'], v2: true },
  name: 'pytier-unit-1',
  files: ['a.yml', 'b.yml'],
  cwd: '/w'
}
const v1: ComposeProject = { ...p, cli: { bin: 'docker-compose', prefix: [], v2: false } }

describe('compose argv', () => {
  it('prefixes every call with the project and its files', () => {
    expect(composeBase(p)).toEqual(['compose', '-p', 'pytier-unit-1', '-f', 'a.yml', '-f', 'b.yml'])
    expect(composeBase(v1)).toEqual(['-p', 'pytier-unit-1', '-f', 'a.yml', '-f', 'b.yml'])
  })

  it('runs a named one-off container without a TTY, with the results mount and env', () => {
    expect(
      runArgs(p, {
        service: 'test',
        containerName: 'c1',
        volumes: ['/h:/c'],
        env: { A: '1' },
        command: ['python', '-m', 'pytest', '-m', 'a or b']
      })
    ).toEqual([
      ...composeBase(p),
      'run',
      '--rm',
      '-T',
      '--name',
      'c1',
      '-v',
      '/h:/c',
      '-e',
      'A=1',
      'test',
      'python',
      '-m',
      'pytest',
      '-m',
      'a or b'
    ])
    expect(
      runArgs(p, {
        service: 't',
        containerName: 'c',
        volumes: [],
        env: {},
        command: ['-R', '1:1', '/x'],
        entrypoint: 'chown',
        noDeps: true
      })
    ).toEqual([...composeBase(p), 'run', '--rm', '-T', '--name', 'c', '--no-deps', '--entrypoint', 'chown', 't', '-R', '1:1', '/x'])
  })

  it('passes variables by name only: compose reads their values from its own environment', () => {
    const args = runArgs(p, {
      service: 't',
      containerName: 'c',
      volumes: [],
      env: { A: '1' },
      passEnv: ['DB_URL', 'TOKEN'],
      command: ['x']
    })
    expect(args.slice(-6)).toEqual(['-e', 'DB_URL', '-e', 'TOKEN', 't', 'x'])
    expect(args).toContain('A=1')
  })

  it('waits for dependencies and removes everything on down', () => {
    expect(upWaitArgs(p, ['db', 'stub'], 90)).toEqual([...composeBase(p), 'up', '-d', '--wait', '--wait-timeout', '90', 'db', 'stub'])
    expect(downArgs(p)).toEqual([...composeBase(p), 'down', '--volumes', '--remove-orphans', '--timeout', '1'])
  })

  it('makes valid, unique-looking project names', () => {
    expect(projectName(['Data Pipeline', '123', '2', 'ab12cd'])).toBe('pytier-data-pipeline-123-2-ab12cd')
    expect(projectName(['x'.repeat(100)])).toHaveLength(60)
    expect(projectName(['a/b:c'])).toMatch(/^pytier-[a-z0-9_-]+$/)
  })
})
