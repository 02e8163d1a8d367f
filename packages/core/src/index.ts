/**
 * The package's name, for diagnostics. Real exports land with the issues that build them.
 *
 * @example
 * import { packageName } from '@tandem/core'
 * console.log(packageName) // '@tandem/core'
 */
export const packageName = '@tandem/core'
