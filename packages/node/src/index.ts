/**
 * The package's name, for diagnostics. Real exports land with the issues that build them.
 *
 * @example
 * import { packageName } from '@tandem/node'
 * console.log(packageName) // '@tandem/node'
 */
export const packageName = '@tandem/node'
