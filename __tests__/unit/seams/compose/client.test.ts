import { openCompose, readConfig } from '../../../../src/seams/compose/client.js'
import type { Captured, ProcessExec } from '../../../../src/seams/exec.js'
import { type ComposeProject } from '../../../../src/seams/compose/argv.js'

/** A process seam that answers from a table keyed by the command line. */
function fakeRunner(answers: Record<string, Partial<Captured>>): ProcessExec & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async capture(cmd, args) {
      const line = [cmd, ...args].join(' ')
      calls.push(line)
      const a = answers[line] ?? { exitCode: 127, stderr: `${cmd}: not found` }
      return { exitCode: 0, stdout: '', stderr: '', ...a }
    },
    start() {
      throw new Error('not used')
    }
  }
}

const CONFIG = 'docker compose -p p -f docker-compose.test.yml config'
const info = { 'docker info --format {{.ServerVersion}} {{.NCPU}}': { stdout: '20.10.24 8\n' } }
const config = { [CONFIG]: { stdout: 'services:\n  test:\n    image: x\n    cpus: 1.5\n' } }
const project = { name: 'p', files: ['docker-compose.test.yml'], cwd: '/w' }

describe('openCompose', () => {
  it('prefers Compose v2, asking version, daemon and configuration at once', async () => {
    const exec = fakeRunner({ 'docker compose version': { stdout: 'Docker Compose version 2.26.1' }, ...info, ...config })
    const setup = await openCompose(exec, project)
    expect(setup.cli).toEqual({ bin: 'docker', prefix: ['compose'], v2: true })
    expect(setup.hostCpus).toBe(8)
    expect(setup.model.services).toEqual(['test'])
    expect(setup.model.cpuLimit('test')).toEqual({ quota: 1.5 })
    expect(exec.calls).toEqual(['docker compose version', 'docker info --format {{.ServerVersion}} {{.NCPU}}', CONFIG])
  })

  it('falls back to docker-compose v1 when only it exists, and reads the configuration with it', async () => {
    const exec = fakeRunner({
      'docker compose version': { exitCode: 1, stderr: "docker: 'compose' is not a docker command." },
      'docker-compose version': { stdout: 'docker-compose version 1.29.2' },
      'docker-compose -p p -f docker-compose.test.yml config': { stdout: 'services:\n  test:\n    image: x\n' },
      ...info
    })
    const setup = await openCompose(exec, project)
    expect(setup.cli).toEqual({ bin: 'docker-compose', prefix: [], v2: false })
    expect(setup.model.services).toEqual(['test'])
  })

  it('says clearly when neither works', async () => {
    const exec = fakeRunner({ 'docker compose version': { exitCode: 1, stderr: "docker: 'compose' is not a docker command." }, ...info })
    await expect(openCompose(exec, project)).rejects.toThrow(
      "Neither 'docker compose' (Compose v2) nor 'docker-compose' (v1) works on this runner. 'docker compose version': docker: 'compose' is not a docker command.; 'docker-compose version': docker-compose: not found. Install Compose v2, or use runner: host."
    )
  })

  it('says clearly when the daemon is unreachable', async () => {
    const exec = fakeRunner({
      'docker compose version': { stdout: 'Docker Compose version 2.26.1' },
      'docker info --format {{.ServerVersion}} {{.NCPU}}': {
        exitCode: 1,
        stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
      },
      ...config
    })
    await expect(openCompose(exec, project)).rejects.toThrow(
      'The Docker daemon is unreachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?. Start Docker, or use runner: host.'
    )
  })

  it('names the compose files when their configuration is not valid', async () => {
    const exec = fakeRunner({
      'docker compose version': { stdout: 'Docker Compose version 2.26.1' },
      ...info,
      [CONFIG]: { exitCode: 15, stderr: 'yaml: line 2: mapping values are not allowed in this context' }
    })
    await expect(openCompose(exec, project)).rejects.toThrow(
      'The compose files docker-compose.test.yml are not valid: yaml: line 2: mapping values are not allowed in this context'
    )
  })
})

describe('readConfig', () => {
  const p: ComposeProject = { cli: { bin: 'docker', prefix: ['compose'], v2: true }, name: 'x', files: ['c.yml'], cwd: '/w' }

  it('turns a compose error into a message naming the files', async () => {
    const exec = fakeRunner({ 'docker compose -p x -f c.yml config': { exitCode: 15, stderr: 'services.test.image must be a string' } })
    await expect(readConfig(exec, p)).rejects.toThrow('The compose files c.yml are not valid: services.test.image must be a string')
  })
})
