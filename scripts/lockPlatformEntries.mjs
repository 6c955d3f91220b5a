// The npm registry mirror this project installs from serves only the linux-x64 builds of packages
// that ship one optional package per platform (biome, foundry, msgpackr-extract). npm then writes
// no lock entry for the other platforms, and `npm ci` refuses the lock as "out of sync".
// This script adds those entries (name, version, os/cpu/libc, optional) so that `npm ci` accepts the
// lock and skips them by platform, as it would on the public registry. Run it after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs'

const lockPath = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(lockPath, 'utf8'))
const packages = lock.packages
let added = 0
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (packages[key]) continue
    const platform = platformOf(name)
    if (!platform) continue
    packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform }
    added++
  }
  void path
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
)
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} platform entries to package-lock.json`)

function platformOf(name) {
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd'].find((o) => name.includes(`-${o}`))
  if (!os) return undefined
  const cpu = ['arm64', 'x64', 'amd64', 'arm', 'ia32'].find((c) => new RegExp(`-${c}(-|$)`).test(name))
  if (!cpu) return undefined
  const out = { cpu: [cpu === 'amd64' ? 'x64' : cpu], os: [os] }
  if (name.includes('musl')) out.libc = ['musl']
  return out
}
