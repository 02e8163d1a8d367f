import { type Dependency, depends } from './dependency.ts'

/**
 * `app.dependencyOverrides`: a `Map` from a dependency to its replacement, read on every request
 * at every depth. A replacement must give the same type; a plain function is made a dependency.
 *
 * @example
 * app.dependencyOverrides.set(db, depends(() => fakeDb))
 * app.dependencyOverrides.set(currentUser, () => ({ name: 'test user' }))
 * app.dependencyOverrides.clear()
 */
export class DependencyOverrides extends Map<Dependency<any>, Dependency<any>> {
  override set<T>(
    dependency: Dependency<T>,
    replacement: Dependency<T> | ((ctx: any) => T | Promise<T>),
  ): this {
    const dep =
      typeof replacement === 'function' ? (depends(replacement as () => T) as Dependency<T>) : replacement
    return super.set(dependency.original, dep)
  }

  override get<T>(dependency: Dependency<T>): Dependency<T> | undefined {
    return super.get(dependency.original) as Dependency<T> | undefined
  }

  override has(dependency: Dependency<any>): boolean {
    return super.has(dependency.original)
  }

  override delete(dependency: Dependency<any>): boolean {
    return super.delete(dependency.original)
  }
}
