/**
 * The package's name, for diagnostics. Real exports land with the issues that build them.
 *
 * @example
 * import { packageName } from '@tandem/workerd'
 * console.log(packageName) // '@tandem/workerd'
 */
export const packageName = '@tandem/workerd'
