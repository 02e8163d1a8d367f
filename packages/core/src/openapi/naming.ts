/**
 * FastAPI's default operationId: the handler's name, the OpenAPI path and the method, with every
 * non-word character replaced by `_` (`read_item` + `/items/{item_id}` + `get` →
 * `read_item_items__item_id__get`). Without a handler name that part is left out.
 *
 * @example
 * defaultOperationId('read_item', '/items/{item_id}', 'get') // 'read_item_items__item_id__get'
 * defaultOperationId(undefined, '/items/', 'get') // '_items__get'
 */
export function defaultOperationId(handlerName: string | undefined, path: string, method: string): string {
  return `${handlerName ?? ''}${path}`.replace(/\W/g, '_') + `_${method.toLowerCase()}`
}

/**
 * Hands out operationIds that are unique within one document: the first request for an id gets
 * it, later ones get `_2`, `_3`, ... (the first free suffix), so the result depends only on the
 * order of the requests.
 *
 * @example
 * const ids = new OperationIds()
 * ids.claim('list_items_get') // 'list_items_get'
 * ids.claim('list_items_get') // 'list_items_get_2'
 */
export class OperationIds {
  readonly #taken = new Set<string>()

  /** Returns `wanted`, or `wanted_N` with the smallest N ≥ 2 not handed out yet. */
  claim(wanted: string): string {
    let id = wanted
    for (let n = 2; this.#taken.has(id); n++) id = `${wanted}_${n}`
    this.#taken.add(id)
    return id
  }
}

/**
 * The default summary FastAPI derives from a handler's name: its words in Title Case. Both
 * snake_case and camelCase names are split (`read_item`, `readItem` → `Read Item`; acronyms stay
 * whole: `getHTTPStatus` → `Get HTTP Status`).
 *
 * @example
 * summaryFromName('create_user') // 'Create User'
 * summaryFromName('listOrdersByID') // 'List Orders By ID'
 */
export function summaryFromName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ')
}
