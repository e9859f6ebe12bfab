/**
 * Install methods on a class (its prototype, or the class itself for statics) the way a
 * class body defines them: non-enumerable, writable, configurable — so a method the facade
 * adds is indistinguishable from one declared in the class (`for…in`, spreading, `toEqual`).
 * `Partial<T>` checks each implementation against the declaration merged into `T`.
 */
export function defineMethods<T extends object>(target: T, methods: Partial<T> & ThisType<T>): void {
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
