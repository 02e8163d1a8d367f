// piscina's worker: the same functions, by name.
import { cpu, echo } from './functions.ts'

export default ({ fn, value }: { fn: 'echo' | 'cpu'; value?: unknown }) =>
  fn === 'echo' ? echo(value) : cpu()
