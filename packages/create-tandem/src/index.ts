/**
 * create-tandem: writes a new Tandem project. The `create-tandem` bin (`npm create tandem@latest`) is
 * the usual way in; these functions are what it uses.
 */
export { type Args, detectPackageManager, parseArgs, USAGE, UsageError } from './args.ts'
export { type CreateOptions, checkTarget, createProject, nextCommands, projectName } from './create.ts'
export { ask, Cancelled, type PromptStreams } from './prompt.ts'
export {
  PACKAGE_MANAGERS,
  type PackageManager,
  type ProjectOptions,
  projectFiles,
  RUNTIME_NAMES,
  RUNTIMES,
  type Runtime,
  runCommand,
} from './templates.ts'
export { type Versions, versions } from './versions.ts'
