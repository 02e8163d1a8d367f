import { isDeepStrictEqual } from 'node:util'

export interface Answer {
  status: number
  contentType: string
  text: string
  json: unknown
}

/** One request for a correctness check; the body is read whole, JSON parsed when it parses. */
export async function ask(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json }
}

/** Problems with an answer that should be `status` with exactly this JSON (key order aside). */
export function expectJson(what: string, answer: Answer, status: number, json: unknown): string[] {
  const problems: string[] = []
  if (answer.status !== status) problems.push(`${what}: status ${answer.status}, expected ${status}`)
  if (!answer.contentType.includes('application/json')) {
    problems.push(`${what}: content-type '${answer.contentType}', expected application/json`)
  }
  if (!isDeepStrictEqual(answer.json, json)) {
    problems.push(`${what}: body ${answer.text.slice(0, 300)}, expected ${JSON.stringify(json)}`)
  }
  return problems
}

/** Problems with an answer that should be a client error (4xx). */
export function expect4xx(what: string, answer: Answer): string[] {
  return answer.status >= 400 && answer.status < 500
    ? []
    : [`${what}: status ${answer.status}, expected 4xx (${answer.text.slice(0, 200)})`]
}
