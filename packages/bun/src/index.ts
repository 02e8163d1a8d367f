/**
 * The package's name, for diagnostics. Real exports land with the issues that build them.
 *
 * @example
 * import { packageName } from '@tandem/bun'
 * console.log(packageName) // '@tandem/bun'
 */
export const packageName = '@tandem/bun'
