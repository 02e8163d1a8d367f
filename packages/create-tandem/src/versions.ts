/** The version ranges a new project depends on: caret ranges, except workerd's exact release. */
export interface Versions {
  '@tandem/core': string
  '@tandem/node': string
  '@tandem/bun': string
  '@tandem/workerd': string
  '@tandem/cli': string
  hono: string
  zod: string
  typescript: string
  vitest: string
  '@types/node': string
  '@types/bun': string
  esbuild: string
  workerd: string
}

// Replaced by tsup when create-tandem is built (tsup.config.ts, from versions.ts beside it).
declare const __CREATE_TANDEM_VERSIONS__: Versions

/** The versions baked in when this create-tandem was built. */
export const versions: Versions = __CREATE_TANDEM_VERSIONS__

/** workerd's release `1.YYYYMMDD.N` supports compatibility dates up to `YYYY-MM-DD`. */
export function compatibilityDate(workerd: string): string {
  const date = /^\d+\.(\d{4})(\d{2})(\d{2})\./.exec(workerd)
  if (!date) throw new Error(`create-tandem: cannot read a date from workerd ${workerd}.`)
  return `${date[1]}-${date[2]}-${date[3]}`
}
