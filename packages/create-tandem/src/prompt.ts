import { createInterface } from 'node:readline/promises'

/** Ctrl-C or the end of input while asking. */
export class Cancelled extends Error {
  override name = 'Cancelled'
}

export interface PromptStreams {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
}

/**
 * Asks one question on a terminal. With `choices`, the answer is one of them (by name or by number;
 * asked again otherwise); an empty answer takes `fallback`.
 */
export async function ask(
  question: string,
  fallback: string,
  choices: readonly { value: string; label: string }[] | undefined,
  streams: PromptStreams,
): Promise<string> {
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: false })
  let cancel: (error: Cancelled) => void = () => {}
  const cancelled = new Promise<never>((_, reject) => {
    cancel = reject
  })
  rl.on('SIGINT', () => cancel(new Cancelled('cancelled')))
  rl.on('close', () => cancel(new Cancelled('no answer')))
  try {
    if (choices) {
      const list = choices.map((choice, i) => `  ${i + 1}. ${choice.label}`).join('\n')
      streams.output.write(`${question}\n${list}\n`)
    }
    for (;;) {
      const prompt = choices ? `Choose 1-${choices.length} [${fallback}]: ` : `${question} [${fallback}]: `
      const answer = (await Promise.race([rl.question(prompt), cancelled])).trim()
      if (answer === '') return fallback
      if (!choices) return answer
      const chosen = choices.find(
        (choice, i) => choice.value === answer.toLowerCase() || String(i + 1) === answer,
      )
      if (chosen) return chosen.value
      streams.output.write(`"${answer}" is not one of them: type a number or a name.\n`)
    }
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}
