// Validates docker-compose.yml with Compose's own parser (`docker compose config`, or the v1 `docker-compose config`)
// and checks the normalized result. Starts no containers and needs no Docker daemon. .ci/run installs Debian's
// docker-compose when neither command exists.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml')

type Volume = { source?: string; target: string; readOnly: boolean }
type Service = {
  image?: string
  build?: { context: string } | string
  entrypoint?: string[] | string
  command?: string[] | string
  environment?: Record<string, string | number | null>
  ports?: { published: string | number; target: string | number }[]
  volumes?: (string | { source?: string; target: string; read_only?: boolean })[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] | string }
}
type ComposeConfig = { services: Record<string, Service>; volumes?: Record<string, unknown> }

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever answers `version`. */
function composeCommand(): { bin: string; pre: string[]; v2: boolean } {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0)
    return { bin: 'docker', pre: ['compose'], v2: true }
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0)
    return { bin: 'docker-compose', pre: [], v2: false }
  throw new Error(
    'Neither `docker compose` nor `docker-compose` works here. Install one: the Docker Compose plugin ' +
      '(https://docs.docker.com/compose/install/) or, on Debian/Ubuntu, `sudo apt-get install docker-compose` ' +
      '(.ci/run does this).',
  )
}

/** Runs `config` and returns the normalized configuration as an object. */
function loadConfig(): ComposeConfig {
  const { bin, pre, v2 } = composeCommand()
  // v2 prints JSON itself; v1 prints YAML only, and as a Python program it always has PyYAML to turn that into JSON.
  const args = [...pre, '-f', COMPOSE_FILE, 'config', ...(v2 ? ['--format', 'json'] : [])]
  const res = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (exit ${res.status}):\n${res.stderr}`)
  if (v2) return JSON.parse(res.stdout)
  const toJson = spawnSync(
    'python3',
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: res.stdout, encoding: 'utf8' },
  )
  if (toJson.status !== 0) throw new Error(`could not convert the docker-compose config to JSON:\n${toJson.stderr}`)
  return JSON.parse(toJson.stdout)
}

const words = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join(' ') : (v ?? ''))
const ports = (s: Service) => (s.ports ?? []).map((p) => `${p.published}:${p.target}`)
const env = (s: Service) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]))
// v1 prints volumes as 'source:target[:mode]', v2 as objects.
const volumes = (s: Service): Volume[] =>
  (s.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source, target: v.target, readOnly: v.read_only === true }
    const [source, target, mode] = v.split(':')
    return { source, target, readOnly: mode === 'ro' }
  })

let config: ComposeConfig
beforeAll(() => {
  config = loadConfig()
})

describe('docker-compose.yml', () => {
  test('default: four services, three volumes', () => {
    expect(Object.keys(config.services).sort()).toEqual(['anvil', 'prover', 'redis', 'sequencer'])
    expect(Object.keys(config.volumes ?? {}).sort()).toEqual(['anvil-data', 'prover-data', 'sequencer-data'])
  })

  test('behavior: anvil is the L1 on 8546 with 1 s blocks and a health check', () => {
    const anvil = config.services.anvil
    expect(anvil.image).toMatch(/^ghcr\.io\/foundry-rs\/foundry:/)
    const entry = words(anvil.entrypoint)
    expect(entry).toMatch(/^anvil /)
    for (const flag of ['--host 0.0.0.0', '--port 8546', '--chain-id 31337', '--block-time 1', '--hardfork prague'])
      expect(entry).toContain(flag)
    expect(ports(anvil)).toEqual(['8546:8546'])
    expect(words(anvil.healthcheck?.test)).toContain('cast block-number --rpc-url http://127.0.0.1:8546')
  })

  test('behavior: redis is redis 7 with a health check', () => {
    const redis = config.services.redis
    expect(redis.image).toBe('redis:7-alpine')
    expect(words(redis.healthcheck?.test)).toContain('redis-cli ping')
  })

  test('behavior: the sequencer serves 8545 and waits for healthy L1 and Redis', () => {
    const s = config.services.sequencer
    expect(s.build).toBeDefined()
    expect(words(s.command)).toBe('node --max-semi-space-size=64 --import tsx sequencer/main.ts')
    expect(ports(s)).toEqual(['8545:8545'])
    expect(env(s)).toMatchObject({
      L1_RPC_URL: 'http://anvil:8546',
      REDIS_URL: 'redis://redis:6379',
      RPC_HOST: '0.0.0.0',
      DATA_DIR: '/data',
      DEPLOYMENTS_FILE: '/data/deployments.json',
    })
    expect(volumes(s)).toContainEqual({ source: 'sequencer-data', target: '/data', readOnly: false })
    expect(s.depends_on?.anvil.condition).toBe('service_healthy')
    expect(s.depends_on?.redis.condition).toBe('service_healthy')
  })

  test('behavior: the prover reads the deployments read-only and keeps its own data', () => {
    const p = config.services.prover
    expect(p.build).toBeDefined()
    expect(words(p.command)).toBe('node --max-semi-space-size=64 --import tsx prover-stub/main.ts')
    expect(p.ports ?? []).toEqual([])
    expect(env(p)).toMatchObject({
      L1_RPC_URL: 'http://anvil:8546',
      REDIS_URL: 'redis://redis:6379',
      DATA_DIR: '/prover-data',
      DEPLOYMENTS_FILE: '/data/deployments.json',
    })
    expect(volumes(p)).toContainEqual({ source: 'sequencer-data', target: '/data', readOnly: true })
    expect(volumes(p)).toContainEqual({ source: 'prover-data', target: '/prover-data', readOnly: false })
    expect(p.depends_on?.sequencer.condition).toBe('service_started')
  })
})
