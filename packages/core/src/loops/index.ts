/**
 * `@tandem/core/loops`: several event loops serving one port, for runtimes that start processes
 * (`node:child_process`: Node and Bun). The Node and Bun adapters pass `processLoops` to
 * `serveWith()`, which `serve(app, { workers: N })` and `tandem run --workers N` use.
 */
import type { LoopSupport } from '../adapter/contract.ts'
import { currentLoop, poolShare, reportFailure, reportListening } from './child.ts'
import { superviseLoops } from './supervisor.ts'

export { currentLoop, LOOP_ENV, type LoopMessage, type LoopPlace, poolShare } from './child.ts'
export { choosePort } from './port.ts'
export { type SuperviseOptions, superviseLoops } from './supervisor.ts'

/**
 * Several event loops as processes of the same program sharing the port with SO_REUSEPORT (Linux).
 *
 * @example
 * const nodeAdapter: ServerAdapter<ServeOptions, Server> = { ...rest, loops: processLoops }
 */
export const processLoops: LoopSupport = {
  current: currentLoop,
  supervise: superviseLoops,
  poolShare,
  reportListening,
  reportFailure,
}
