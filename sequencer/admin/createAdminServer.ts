import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import { Queue } from 'bullmq'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Registry } from 'prom-client'
import { BaseError } from '../../core/errors/base.ts'
import type { Logger } from '../../core/log/logger.ts'
import { redisOptions } from '../../core/queue/redisOptions.ts'
import type { DashboardFeed } from '../dashboard/createDashboardFeed.ts'
import { checkAdminHost } from './checkAdminHost.ts'
import { isLoopbackHost } from './isLoopbackHost.ts'

/** The admin port was taken by another process. */
export class AdminPortInUseError extends BaseError {
  override name = 'AdminPortInUseError' as const
  readonly host: string
  readonly port: number
  constructor({ host, port, cause }: { host: string; port: number; cause: unknown }) {
    super(`admin port ${host}:${port} is already in use`, { cause })
    this.host = host
    this.port = port
  }
}

/** The BullMQ queues shown on the queue board (`/queues`). */
export type AdminQueues = { names: readonly string[]; prefix: string; redisUrl: string }

/** Parameters of {@link createAdminServer}. */
export type CreateAdminServerParameters = {
  host: string
  /** 0 = any free port */
  port: number
  /** lets `host` be a non-loopback address (the admin port has no authentication) */
  allowPublic?: boolean
  log: Logger
  registry: Registry
  /** serves the dashboard at `/` and its feed at `/api/*` */
  dashboard?: DashboardFeed
  /** serves bull-board at `/queues` */
  queues?: AdminQueues
}

/** The running admin server; see {@link createAdminServer}. */
export type AdminServer = {
  /** Listens; throws {@link AdminPortInUseError} when the port is taken. */
  start(): Promise<{ url: string; port: number }>
  close(): Promise<void>
}

const publicDir = fileURLToPath(new URL('../dashboard/public/', import.meta.url))
const uplotDist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist')
/** Dashboard pages open at once; more are refused (each holds a connection and is sent every block). */
const MAX_EVENT_STREAMS = 32
/** A page that reads this far behind is dropped rather than buffered without bound. */
const MAX_STREAM_BACKLOG_BYTES = 4 * 1024 * 1024

/**
 * Creates the admin server: operator-only HTTP on its own port, never the public JSON-RPC one.
 *
 * - `GET /metrics`: the Prometheus text of `registry`;
 * - `GET /`: the live dashboard (plain HTML and ES modules from sequencer/dashboard/public, uPlot from
 *   node_modules), `GET /api/snapshot` (JSON) and `GET /api/events` (server-sent events: `block`, `status`);
 * - `/queues`: bull-board over the BullMQ queues, read-only (the outbox, not Redis, is the truth: jobs are
 *   re-created from it).
 *
 * Nothing here authenticates, so the host must be a loopback address unless `allowPublic` (a
 * ConfigError otherwise, from {@link checkAdminHost}, thrown here before anything listens). On loopback, requests whose Host
 * header names another host are refused (403): a web page cannot reach the port through DNS rebinding.
 */
export function createAdminServer(p: CreateAdminServerParameters): AdminServer {
  checkAdminHost({ host: p.host, allowPublic: p.allowPublic })
  const log = p.log.child({ component: 'admin' })
  const app = express()
  app.disable('x-powered-by')
  const streams = new Set<Response>()
  const queues: Queue[] = []
  let server: Server | undefined

  if (!p.allowPublic)
    app.use((req: Request, res: Response, next: NextFunction) => {
      const hostname = hostOf(req.headers.host)
      if (hostname !== undefined && isLoopbackHost(hostname)) return next()
      res.status(403).type('text/plain').send('admin port: only loopback host names are served\n')
    })

  app.get('/metrics', async (_req, res) => {
    try {
      const text = await p.registry.metrics()
      res.setHeader('Content-Type', p.registry.contentType)
      res.end(text)
    } catch (err) {
      log.error({ err }, 'metrics collection failed')
      res.status(500).type('text/plain').send('metrics collection failed\n')
    }
  })

  const feed = p.dashboard
  if (feed) {
    const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store')
    app.get('/', (_req, res) => {
      noStore(res)
      res.sendFile(join(publicDir, 'index.html'))
    })
    app.get(/^\/(dashboard\.js|dashboard\.css|lanes\.js|charts\.js)$/, (req, res) => {
      noStore(res)
      res.sendFile(join(publicDir, req.path.slice(1)))
    })
    app.get('/vendor/uPlot.esm.js', (_req, res) => res.sendFile(join(uplotDist, 'uPlot.esm.js')))
    app.get('/vendor/uPlot.min.css', (_req, res) => res.sendFile(join(uplotDist, 'uPlot.min.css')))
    app.get('/api/snapshot', (_req, res) => {
      noStore(res)
      res.json({ ...feed.snapshot(), queueBoard: (p.queues?.names.length ?? 0) > 0 })
    })
    app.get('/api/events', (req, res) => {
      if (streams.size >= MAX_EVENT_STREAMS) {
        res.status(503).type('text/plain').send('too many dashboard streams\n')
        return
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      })
      res.write('retry: 1000\n\n')
      streams.add(res)
      const unsubscribe = feed.subscribe((event) => {
        if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) return void res.end()
        const data = event.type === 'block' ? event.block : event.status
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`)
      })
      const done = () => {
        unsubscribe()
        streams.delete(res)
      }
      req.on('close', done)
      res.on('close', done)
    })
  }

  if (p.queues && p.queues.names.length > 0) {
    const { prefix, redisUrl } = p.queues
    for (const name of p.queues.names) {
      const q = new Queue(name, { connection: redisOptions(redisUrl, 'queue'), prefix })
      q.on('error', () => {}) // Redis outages show on the board; the poster logs them
      queues.push(q)
    }
    const board = new ExpressAdapter()
    board.setBasePath('/queues')
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'parallel-rollup' } },
    })
    app.use('/queues', board.getRouter())
  }

  return {
    async start() {
      if (server) throw new Error('admin server already started')
      const s = createServer(app)
      server = s
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          server = undefined
          reject(err.code === 'EADDRINUSE' ? new AdminPortInUseError({ host: p.host, port: p.port, cause: err }) : err)
        }
        s.once('error', onError)
        s.listen(p.port, p.host, () => {
          s.off('error', onError)
          resolve()
        })
      })
      s.on('error', (err) => log.error({ err }, 'admin server error'))
      const port = (s.address() as AddressInfo).port
      const host = p.host.includes(':') ? `[${p.host}]` : p.host
      return { url: `http://${host}:${port}`, port }
    },
    async close() {
      for (const res of streams) res.end()
      streams.clear()
      const s = server
      server = undefined
      if (s) {
        const closed = new Promise<void>((resolve) => s.close(() => resolve()))
        s.closeAllConnections()
        await closed
      }
      await Promise.all(
        queues.map((q) => Promise.race([q.close(), new Promise((r) => setTimeout(r, 2_000).unref())]).catch(() => {})),
      )
    },
  }
}

/** The host name of a Host header (`127.0.0.1:8547`, `[::1]:8547`, `localhost`), or undefined if unparsable. */
function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined
  try {
    return new URL(`http://${header}/`).hostname
  } catch {
    return undefined
  }
}
