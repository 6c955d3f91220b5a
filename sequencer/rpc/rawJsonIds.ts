/**
 * The raw source text of the top-level `id` member of each request in a JSON-RPC body that already parsed
 * (one entry for a single request, one per element for a batch; `undefined` where there is none).
 * JSON.parse rounds numbers past 2^53, but geth echoes ids byte for byte, so the dispatcher reads them here.
 */
export function rawJsonIds(text: string): (string | undefined)[] {
  let i = 0

  const skipWhitespace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++
  }
  const skipString = () => {
    i++ // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
  }
  const skipValue = () => {
    const c = text[i]
    if (c === '"') return skipString()
    if (c === '{' || c === '[') {
      let depth = 0
      do {
        const d = text[i]
        if (d === '"') {
          skipString()
          continue
        }
        if (d === '{' || d === '[') depth++
        else if (d === '}' || d === ']') depth--
        i++
      } while (depth > 0)
      return
    }
    // number, true, false, null
    while (i < text.length && !',]} \n\r\t'.includes(text[i])) i++
  }
  const idOfObject = (): string | undefined => {
    let id: string | undefined
    i++ // '{'
    for (;;) {
      skipWhitespace()
      if (text[i] === '}') break
      const keyStart = i
      skipString()
      const key = JSON.parse(text.slice(keyStart, i)) as string
      skipWhitespace()
      i++ // ':'
      skipWhitespace()
      const valueStart = i
      skipValue()
      // JSON.parse keeps the last of duplicate keys, so we do too.
      if (key === 'id') id = text.slice(valueStart, i)
      skipWhitespace()
      if (text[i] === ',') i++
    }
    i++ // '}'
    return id
  }
  const idOfElement = () => {
    if (text[i] === '{') return idOfObject()
    skipValue()
    return undefined
  }

  skipWhitespace()
  if (text[i] !== '[') return [idOfElement()]
  const ids: (string | undefined)[] = []
  i++
  for (;;) {
    skipWhitespace()
    if (text[i] === ']') break
    ids.push(idOfElement())
    skipWhitespace()
    if (text[i] === ',') i++
  }
  return ids
}
