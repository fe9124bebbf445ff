import { detectCompose, readConfig } from '../../../../src/seams/compose/client.js'
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

const info = { 'docker info --format {{.ServerVersion}}': { stdout: '20.10.24\n' } }

describe('detectCompose', () => {
  it('prefers Compose v2', async () => {
    const exec = fakeRunner({ 'docker compose version': { stdout: 'Docker Compose version 2.26.1' }, ...info })
    expect(await detectCompose(exec, '/w')).toEqual({ bin: 'docker', prefix: ['compose'], v2: true })
  })

  it('falls back to docker-compose v1 when only it exists', async () => {
    const exec = fakeRunner({
      'docker compose version': { exitCode: 1, stderr: "docker: 'compose' is not a docker command." },
      'docker-compose version': { stdout: 'docker-compose version 1.29.2' },
      ...info
    })
    expect(await detectCompose(exec, '/w')).toEqual({ bin: 'docker-compose', prefix: [], v2: false })
  })

  it('says clearly when neither works', async () => {
    const exec = fakeRunner({ 'docker compose version': { exitCode: 1, stderr: "docker: 'compose' is not a docker command." } })
    await expect(detectCompose(exec, '/w')).rejects.toThrow(
      "Neither 'docker compose' (Compose v2) nor 'docker-compose' (v1) works on this runner. 'docker compose version': docker: 'compose' is not a docker command.; 'docker-compose version': docker-compose: not found. Install Compose v2, or use runner: host."
    )
  })

  it('says clearly when the daemon is unreachable', async () => {
    const exec = fakeRunner({
      'docker compose version': { stdout: 'Docker Compose version 2.26.1' },
      'docker info --format {{.ServerVersion}}': {
        exitCode: 1,
        stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
      }
    })
    await expect(detectCompose(exec, '/w')).rejects.toThrow(
      'The Docker daemon is unreachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?. Start Docker, or use runner: host.'
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
