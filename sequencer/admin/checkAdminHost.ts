import { ConfigError } from '../../core/config/config.ts'
import { isLoopbackHost } from './isLoopbackHost.ts'

/**
 * Refuses (a {@link ConfigError}) to serve the admin port on a non-loopback `host` unless `allowPublic`:
 * nothing on it authenticates. `variables` names the settings in the message.
 */
export function checkAdminHost({
  host,
  allowPublic,
  variables = { host: 'ADMIN_HOST', allowPublic: 'ADMIN_ALLOW_PUBLIC' },
}: {
  host: string
  allowPublic?: boolean
  variables?: { host: string; allowPublic: string }
}): void {
  if (allowPublic || isLoopbackHost(host)) return
  throw new ConfigError({
    issues: [
      `${variables.host}: ${host} is not a loopback address; the admin port (metrics, dashboard, queues) has no authentication. Bind it to 127.0.0.1 and reach it through an SSH tunnel or an authenticating proxy, or set ${variables.allowPublic}=true to expose it anyway.`,
    ],
  })
}
