// The texts of `tandem --help` and `tandem <command> --help`.

const ENTRY = `The entry is the module that exports the app (\`export const app\` or \`export default\`). Without one,
tandem reads "tandem": { "entry" } in package.json, then looks for src/app.ts, app.ts, src/main.ts, main.ts.`

const OPTIONS_FROM_ENTRY = `The options the entry passes to its own serve() call (pool, shutdownTimeout, ...) apply, the
command line's winning; that call does not listen by itself under tandem.`

/** The help of the tool (`main`) and of each command. */
export const HELP: Record<string, string> = {
  main: `Usage: tandem <command> [entry] [options]

Commands:
  dev [entry]        serve the app and reload it when a source file changes
  run [entry]        serve the app in production: --port, --host, --workers N (N event loops)
  routes [entry]     list the app's routes: method, path, mode (async, plain, blocking), dependencies
  openapi [entry]    print the app's OpenAPI document (JSON), or write it with --output FILE

${ENTRY}

tandem <command> --help shows a command's options.`,
  dev: `Usage: tandem dev [entry] [--port N] [--host H]

Serves the app for development: the server runs in a child process, which is restarted, on the same
port and with new pool workers, whenever a source file (.ts, .js, .json, ...) changes in the project
(the nearest directory with a package.json at or above the entry; node_modules, dist, build, coverage
and dot-directories are not watched). A broken edit prints its error and waits for the next change.
Ctrl-C stops. One event loop serves, and a reload waits at most 1 s for requests in flight.

  --port N, -p N      the port (default: PORT, else 8000)
  --host H            the address (default: 127.0.0.1, this machine only; 0.0.0.0 serves every
                      interface, e.g. in a container)

${OPTIONS_FROM_ENTRY}

${ENTRY}`,
  run: `Usage: tandem run [entry] [--port N] [--host H] [--workers N]

Serves the app in production with @tandem/node on Node, @tandem/bun on Bun (installed in your project).
SIGTERM or SIGINT finishes the requests in flight, then exits 0.

  --port N, -p N      the port (default: the entry's serve() option, else PORT, else 8000)
  --host H            the address (default: the entry's serve() option, else 127.0.0.1, this
                      machine only; 0.0.0.0 serves every interface, e.g. in a container)
  --workers N, -w N   event loops (processes) sharing the port, each with its own pool; one that
                      crashes is restarted (default: the entry's serve() option, else 1)

${OPTIONS_FROM_ENTRY}

${ENTRY}`,
  routes: `Usage: tandem routes [entry] [--json]

Lists the app's routes, HTTP then WebSocket: method, path, where the handler runs (async: awaited on
the event loop; plain: called on the event loop; blocking: on the worker pool) and the dependencies
each route runs, in order.

  --json    print the list as JSON`,
  openapi: `Usage: tandem openapi [entry] [--output FILE]

Prints the app's OpenAPI 3.1 document, as /openapi.json serves it.

  --output FILE, -o FILE    write it to FILE instead of stdout`,
}

/** The commands, in the order the help lists them. */
export const COMMANDS = ['dev', 'run', 'routes', 'openapi'] as const
