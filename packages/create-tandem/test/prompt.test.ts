import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ask, Cancelled } from '../src/prompt.ts'

const CHOICES = [
  { value: 'node', label: 'Node' },
  { value: 'bun', label: 'Bun' },
  { value: 'workerd', label: 'Cloudflare workerd' },
]

/** Asks with `answers` typed one by one, each once the previous prompt has shown. */
async function answer(answers: (string | null)[], choices = CHOICES) {
  const input = new PassThrough()
  const output = new PassThrough()
  let shown = ''
  output.on('data', (chunk) => {
    shown += chunk
    if (/(\]: )$/.test(shown) && answers.length > 0) {
      const next = answers.shift()
      setImmediate(() => (next === null ? input.end() : input.write(`${next}\n`)))
    }
  })
  const result = ask('Which runtime?', 'node', choices, { input, output })
  return { result, shown: () => shown }
}

describe('ask()', () => {
  it('lists the choices and takes one by number or by name, any case', async () => {
    const byNumber = await answer(['3'])
    expect(await byNumber.result).toBe('workerd')
    expect(byNumber.shown()).toBe(
      'Which runtime?\n  1. Node\n  2. Bun\n  3. Cloudflare workerd\nChoose 1-3 [node]: ',
    )
    expect(await (await answer(['Bun'])).result).toBe('bun')
  })

  it('takes the default for an empty answer', async () => {
    expect(await (await answer([''])).result).toBe('node')
  })

  it('asks again after an answer that is not a choice', async () => {
    const asked = await answer(['deno', '2'])
    expect(await asked.result).toBe('bun')
    expect(asked.shown()).toContain(
      '"deno" is not one of them: type a number or a name.\nChoose 1-3 [node]: ',
    )
  })

  it('takes free text without choices', async () => {
    const input = new PassThrough()
    const output = new PassThrough()
    const result = ask('Project directory:', 'my-tandem-app', undefined, { input, output })
    input.write('shop\n')
    expect(await result).toBe('shop')
  })

  it('is cancelled when the input ends', async () => {
    await expect((await answer([null])).result).rejects.toBeInstanceOf(Cancelled)
  })
})
