// The `parallel-rollup` command line: help for every command, flags laid over the environment, usage errors,
// and the binary itself running the sequencer until SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { configSchema } from '../../core/config/config.ts'
import { commands, findCommand } from './commands.ts'
import { flagsToEnv } from './commonFlags.ts'
import { configKeys, describeEnv, envDescriptions, readEnvComments } from './envDescriptions.ts'
import { CliUsageError } from './errors.ts'
import { flagsOf, parseCommandLine } from './parseCommandLine.ts'
import { REPO_ROOT, runCli } from './runCli.ts'

const BIN = path.join(REPO_ROOT, 'scripts', 'bin.mjs')
const scratch = mkdtempSync(path.join(tmpdir(), 'cli-test-'))
const children = new Set<ChildProcess>()

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

/** Runs the CLI in this process with its output captured (only for answers that import no module). */
async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const status = await runCli(argv, { out: (s) => void (out += s), err: (s) => void (err += s) })
  return { status, out, err }
}

/** Runs `node scripts/bin.mjs ...args` to the end. */
function bin(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      children.delete(child)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('environment descriptions', () => {
  test('default: every configSchema key has a one-line description (.env.example or envDescriptions)', () => {
    const undescribed = configKeys.filter((k) => !describeEnv(k))
    expect(undescribed).toEqual([])
  })

  test('behavior: envDescriptions names only configSchema keys', () => {
    expect(Object.keys(envDescriptions).filter((k) => !(k in configSchema.shape))).toEqual([])
  })

  test('behavior: readEnvComments takes the comment after KEY=value', () => {
    const c = readEnvComments('# header\nA=1   # one\nB=\nC=   # three # with hash\nlower=2 # no\n')
    expect([...c]).toEqual([
      ['A', 'one'],
      ['C', 'three # with hash'],
    ])
  })

  test('behavior: every variable a command lists is a configSchema key', () => {
    for (const c of commands)
      expect(
        c.env.filter((k) => !(k in configSchema.shape)),
        c.name,
      ).toEqual([])
  })
})

describe('flagsToEnv', () => {
  test('default: common flags map onto their variables; paths are made absolute', () => {
    const env = flagsToEnv({
      flags: {
        'data-dir': 'rel/dir',
        'rpc-port': '19600',
        'l1-rpc-url': 'http://x:1',
        workers: '3',
        'log-level': 'warn',
      },
      allowed: configKeys,
      cwd: '/base',
    })
    expect(env).toEqual({
      DATA_DIR: '/base/rel/dir',
      RPC_PORT: '19600',
      L1_RPC_URL: 'http://x:1',
      EXECUTOR_WORKERS: '3',
      LOG_LEVEL: 'warn',
    })
  })

  test('behavior: --set KEY=VALUE for any variable the command reads; a named flag wins over --set', () => {
    const env = flagsToEnv({
      flags: { 'rpc-port': '19601' },
      set: ['RPC_PORT=1', 'BLOCK_TIME_MS=100', 'CORS_ORIGINS=a=b', 'DEPLOYMENTS_FILE=d.json'],
      allowed: configKeys,
      cwd: '/base',
    })
    expect(env).toEqual({
      RPC_PORT: '19601',
      BLOCK_TIME_MS: '100',
      CORS_ORIGINS: 'a=b',
      DEPLOYMENTS_FILE: '/base/d.json',
    })
  })

  test('error: an unknown key, a missing =, a variable the command does not read: all reported at once', () => {
    let error: unknown
    try {
      flagsToEnv({ flags: {}, set: ['NOPE=1', 'CHAIN_ID', 'REDIS_URL=redis://x'], allowed: ['CHAIN_ID'] })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(CliUsageError)
    expect((error as CliUsageError).metaMessages).toEqual([
      '--set NOPE=1: NOPE is not a configuration variable',
      '--set CHAIN_ID: expected KEY=VALUE',
      '--set REDIS_URL=redis://x: this command does not read REDIS_URL',
    ])
  })
})

describe('parseCommandLine', () => {
  test('default: the CLI takes its flags; the rest passes through to the module in order', () => {
    const verify = findCommand('verify')!
    const parsed = parseCommandLine(verify, [
      '--l1',
      'http://127.0.0.1:8546',
      '--log-level',
      'debug',
      '--data-dir',
      'keep',
      '--set=CHAIN_ID=7',
      '--',
      '--log-level',
    ])
    expect(parsed).toEqual({
      help: false,
      env: { CHAIN_ID: '7', LOG_LEVEL: 'debug' },
      // verify's own --data-dir (the derived chain's directory) is not DATA_DIR
      passThrough: ['--l1', 'http://127.0.0.1:8546', '--data-dir', 'keep', '--', '--log-level'],
    })
    expect(parseCommandLine(findCommand('bench')!, ['--workers', '1,2', '-h']).passThrough).toEqual([
      '--workers',
      '1,2',
    ])
  })

  test('error: a command whose module takes no arguments refuses an unknown flag or a missing value', () => {
    const sequencer = findCommand('sequencer')!
    expect(() => parseCommandLine(sequencer, ['--rpc-prot', '1'])).toThrow(CliUsageError)
    expect(() => parseCommandLine(sequencer, ['--rpc-port'])).toThrow(/--rpc-port/)
    expect(() => parseCommandLine(findCommand('load')!, ['--workers'])).toThrow(/needs a value/)
  })
})

describe('runCli', () => {
  test('default: --help lists every command', async () => {
    const { status, out } = await cli('--help')
    expect(status).toBe(0)
    for (const c of commands) expect(out).toContain(`  ${c.name} `)
  })

  for (const command of commands.filter((c) => !c.ownHelp)) {
    test(`behavior: ${command.name} --help lists its flags and variables, exit 0`, async () => {
      const { status, out } = await cli(command.name, '--help')
      expect(status).toBe(0)
      expect(out).toContain(`usage: parallel-rollup ${command.name}`)
      for (const f of flagsOf(command)) expect(out).toContain(`--${f.flag} ${f.value}`)
      for (const line of command.flags ?? []) expect(out).toContain(line)
      for (const key of command.env) expect(out).toMatch(new RegExp(`^  ${key}=`, 'm'))
      expect((await cli('help', command.name)).out).toBe(out)
    })
  }

  test('behavior: sequencer --help shows defaults from configSchema', async () => {
    const { out } = await cli('sequencer', '--help')
    expect(out).toMatch(/^ {2}CHAIN_ID=901901 +this chain's id/m)
    expect(out).toMatch(/^ {2}RPC_PORT=8545 +JSON-RPC port/m)
    expect(out).toMatch(/^ {2}L1_RPC_URL= +/m)
  })

  test('error: an unknown command, no command, a bad flag: status 2 and a clear message', async () => {
    const unknown = await cli('frobnicate')
    expect(unknown.status).toBe(2)
    expect(unknown.err).toContain("unknown command 'frobnicate'")
    expect(unknown.err).toContain('sequencer')
    expect((await cli()).status).toBe(2)
    const bad = await cli('sequencer', '--nope')
    expect(bad.status).toBe(2)
    expect(bad.err).toContain("Unknown option '--nope'")
    expect(bad.err).toContain('parallel-rollup sequencer --help')
  })

  test.skipIf(existsSync(path.join(REPO_ROOT, 'scripts/chaos/main.ts')))(
    'behavior: a command whose module is not in the checkout says so (status 1)',
    async () => {
      const { status, err } = await cli('chaos')
      expect(status).toBe(1)
      expect(err).toContain('scripts/chaos/main.ts is not in this checkout')
    },
  )
})

describe('the binary (node scripts/bin.mjs)', () => {
  test('default: --help, exit 0; an unknown command, exit 2', async () => {
    const [help, unknown] = await Promise.all([bin(['--help']), bin(['frobnicate'])])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('usage: parallel-rollup <command>')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
  })

  test("behavior: verify --help and load --help add the module's own flags, exit 0", async () => {
    const [verify, load] = await Promise.all([bin(['verify', '--help']), bin(['load', '--help'])])
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('--l1-rpc-url URL')
    // from prover-stub/verify.ts's own usage
    expect(verify.stdout).toContain('--bridge ADDRESS    the deposit bridge')
    expect(verify.stdout).toContain('Exit status: 0 all batches match')
    expect(load.code).toBe(0)
    expect(load.stdout).toContain('--workers N')
    // from bench/load/main.ts's own usage
    expect(load.stdout).toContain('--sync-latency')
    expect(load.stdout).toContain('--txs-per-sender K     measured txs per sender')
  })

  test('behavior: sequencer runs an L2 node with the flags (over the environment) and exits 0 on SIGTERM', async () => {
    const dataDir = path.join(scratch, 'node')
    const env: NodeJS.ProcessEnv = { ...process.env, CHAIN_ID: '5', RPC_PORT: '1' }
    delete env.L1_RPC_URL
    const child = spawn(
      process.execPath,
      [BIN, 'sequencer', '--data-dir', dataDir, '--rpc-port', '19600', '--chain-id', '901902', '--workers', '0'],
      { cwd: scratch, env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    children.add(child)
    let logs = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (logs += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (logs += d))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

    let chainId: string | undefined
    for (const deadline = Date.now() + 45_000; !chainId && Date.now() < deadline; ) {
      if (child.exitCode !== null) throw new Error(`the sequencer exited early:\n${logs}`)
      chainId = await fetch('http://127.0.0.1:19600', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
        .then((r) => r.json() as Promise<{ result: string }>)
        .then((r) => r.result)
        .catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)))
    }
    expect(chainId, logs).toBe(`0x${(901902).toString(16)}`)
    expect(existsSync(path.join(dataDir, 'chain.sqlite'))).toBe(true)

    const t0 = Date.now()
    child.kill('SIGTERM')
    expect(await exited, logs).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
    children.delete(child)
  })
})
