// How a hostile request is sent and how its answer is judged (scenarios/hostile.ts).
import { request } from 'node:http'

/** What a hostile request must get back. */
export type Expect =
  /** this HTTP status; `orReset`: or the connection reset before any answer (counted in a note) */
  | { http: 413; orReset?: boolean }
  /** a JSON-RPC error object with this code (for a batch: every element) */
  | { code: number; batch?: boolean }

/** The HTTP answer to a request, or why there was none. */
export type Answer = { status: number; text: string } | { error: string }

/** POSTs `body` to `url` (with fetch, or `early`: see {@link postEarly}). */
export async function post(url: string, body: string, send?: 'early'): Promise<Answer> {
  if (send === 'early') return await postEarly(url, body)
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(30_000),
    })
    return { status: res.status, text: await res.text() }
  } catch (err) {
    return { error: (err as Error).message }
  }
}

/** POSTs `body` on a connection of its own, taking the response as soon as it arrives, even mid-upload. */
function postEarly(url: string, body: string): Promise<Answer> {
  return new Promise((resolve) => {
    let done = false
    const finish = (a: Answer) => {
      if (done) return
      done = true
      req.destroy()
      resolve(a)
    }
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        text += d
      })
      res.on('end', () => finish({ status: res.statusCode ?? 0, text }))
      res.on('error', () => finish({ status: res.statusCode ?? 0, text }))
    })
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')))
    // a write cut short by the server's close is expected; no response at all is what counts
    req.on('error', (err) => setTimeout(() => finish({ error: err.message }), 200))
    req.end(body)
  })
}

type RpcError = { code?: number; message?: string }
type Envelope = { result?: unknown; error?: RpcError }

/** What is wrong with `answer` (undefined line: nothing), and how many txs it accepted. */
export function judge(answer: Answer, expect: Expect): { line?: string; accepted?: number } {
  if ('error' in answer) return { line: `no answer (${answer.error})` }
  if ('http' in expect)
    return answer.status === expect.http ? {} : { line: `HTTP ${answer.status}, expected ${expect.http}` }
  if (answer.status !== 200) return { line: `HTTP ${answer.status}: ${answer.text.slice(0, 120)}` }
  let parsed: Envelope | Envelope[]
  try {
    parsed = JSON.parse(answer.text)
  } catch {
    return { line: `not JSON: ${answer.text.slice(0, 120)}` }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed]
  if (expect.batch !== Array.isArray(parsed) && !(expect.batch === undefined && !Array.isArray(parsed)))
    return { line: `answered ${Array.isArray(parsed) ? 'an array' : 'one object'}: ${answer.text.slice(0, 120)}` }
  const accepted = list.filter((e) => e.result !== undefined).length
  const wrong = list.filter((e) => e.error?.code !== expect.code || !e.error?.message)
  if (wrong.length === 0) return { accepted }
  const first = wrong[0]
  return {
    accepted,
    line: `${wrong.length} of ${list.length} answered ${first.error ? `${first.error.code} ${first.error.message}` : `result ${JSON.stringify(first.result).slice(0, 80)}`}, expected code ${expect.code}`,
  }
}
