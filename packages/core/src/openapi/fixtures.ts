import { z } from 'zod'
import type { OperationSpec } from './types.ts'

/**
 * A small shop's routes as the App would describe them: every kind of parameter, bodies, forms,
 * named schemas, extra responses and security. Shared by the document's tests and the docs pages'
 * browser test.
 *
 * @example
 * createOpenAPIDocument({ title: 'Shop', version: '1.0.0' }, shopOperations())
 */
export function shopOperations(): OperationSpec[] {
  const Tag = z.object({ name: z.string() }).meta({ id: 'FixtureTag' })
  const Item = z
    .object({
      name: z.string(),
      price: z.number().min(0),
      tax: z.number().default(0),
      tags: z.array(Tag).default([]),
    })
    .meta({ id: 'FixtureItem', description: 'An item of the shop.' })
  const ItemList = z.array(Item)
  const Category = z.enum(['food', 'drink']).meta({ id: 'FixtureCategory' })
  const base = {
    parameters: [],
    status: 200,
    tags: [],
    security: [],
    validates: false,
    includeInSchema: true,
  }

  return [
    {
      ...base,
      method: 'get',
      path: '/items/',
      handlerName: 'list_items',
      tags: ['items'],
      validates: true,
      response: ItemList,
      parameters: [
        { in: 'query', name: 'skip', schema: z.number().int().min(0).default(0), required: false },
        { in: 'query', name: 'limit', schema: z.number().int().max(100).optional(), required: false },
        {
          in: 'query',
          name: 'tag',
          schema: z.array(z.string()),
          required: false,
          description: 'Filter by tags.',
        },
        { in: 'query', name: 'category', schema: Category, required: false },
        { in: 'header', name: 'x-token', schema: z.string(), required: true },
        { in: 'cookie', name: 'session', schema: z.string().optional(), required: false, deprecated: true },
      ],
    },
    {
      ...base,
      method: 'get',
      path: '/items/:item_id',
      handlerName: 'read_item',
      tags: ['items', 'read', 'items'],
      validates: true,
      response: Item,
      parameters: [{ in: 'path', name: 'item_id', schema: z.number().int(), required: true }],
      responses: { 404: { description: 'Item not found', model: z.object({ detail: z.string() }) } },
    },
    {
      ...base,
      method: 'post',
      path: '/items/',
      handlerName: 'createItem',
      tags: ['items'],
      status: 201,
      validates: true,
      requestBody: { schema: Item, contentTypes: ['application/json'], required: true },
      response: Item,
      security: [{ OAuth2PasswordBearer: ['items:write'] }],
      responses: {
        201: { headers: { location: { description: 'Where the item lives.' } } },
        409: { model: z.object({ detail: z.string() }).meta({ id: 'FixtureConflict' }) },
      },
    },
    {
      ...base,
      method: 'delete',
      path: '/items/:item_id{[0-9]+}',
      status: 204,
      validates: true,
      summary: 'Remove an item',
      deprecated: true,
      parameters: [{ in: 'path', name: 'item_id', schema: z.number().int(), required: true }],
    },
    {
      ...base,
      method: 'post',
      path: '/files/:folder/upload',
      handlerName: 'upload',
      validates: true,
      requestBody: {
        schema: z.object({ file: z.file(), image: z.file().mime('image/png').optional(), note: z.string() }),
        contentTypes: ['multipart/form-data', 'application/x-www-form-urlencoded'],
        required: true,
      },
    },
    { ...base, method: 'get', path: '/files/:path{.+}', handlerName: 'read_file', description: 'A file.' },
    { ...base, method: 'get', path: '/health', operationId: 'health' },
    { ...base, method: 'head', path: '/health', operationId: 'health' },
    { ...base, method: 'get', path: '/pages/:page?', handlerName: 'page' },
    { ...base, method: 'get', path: '/docs', includeInSchema: false },
  ]
}
