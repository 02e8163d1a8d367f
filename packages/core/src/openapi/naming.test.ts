import { describe, expect, it } from 'vitest'
import { defaultOperationId, OperationIds, summaryFromName } from './naming.ts'

describe('defaultOperationId', () => {
  it("writes FastAPI's ids", () => {
    expect(defaultOperationId('read_item', '/items/{item_id}', 'get')).toBe('read_item_items__item_id__get')
    expect(defaultOperationId('read_items', '/items/', 'GET')).toBe('read_items_items__get')
    expect(defaultOperationId(undefined, '/items/{id}', 'delete')).toBe('_items__id__delete')
    expect(defaultOperationId('get', '/a-b.c', 'post')).toBe('get_a_b_c_post')
  })
})

describe('OperationIds', () => {
  it('suffixes repeats with the first free number, in order', () => {
    const ids = new OperationIds()
    expect(['x', 'x_2', 'x', 'x', 'y'].map((id) => ids.claim(id))).toEqual(['x', 'x_2', 'x_3', 'x_4', 'y'])
  })
})

describe('summaryFromName', () => {
  it('splits snake_case and camelCase into Title Case words', () => {
    expect(summaryFromName('read_item')).toBe('Read Item')
    expect(summaryFromName('readItem')).toBe('Read Item')
    expect(summaryFromName('getHTTPStatus')).toBe('Get HTTP Status')
    expect(summaryFromName('listOrdersByID')).toBe('List Orders By ID')
    expect(summaryFromName('bound handle2Things')).toBe('Bound Handle2 Things')
  })
})
