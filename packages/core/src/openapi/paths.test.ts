import { describe, expect, it } from 'vitest'
import { toOpenAPIPaths } from './paths.ts'

describe('toOpenAPIPaths', () => {
  it('writes parameters in braces', () => {
    expect(toOpenAPIPaths('/items/:id')).toEqual([{ path: '/items/{id}', params: ['id'] }])
    expect(toOpenAPIPaths('/a/:x/b/:y_z')).toEqual([{ path: '/a/{x}/b/{y_z}', params: ['x', 'y_z'] }])
    expect(toOpenAPIPaths('/')).toEqual([{ path: '/', params: [] }])
  })

  it('drops regex suffixes, nested braces included', () => {
    expect(toOpenAPIPaths('/files/:name{.+}')).toEqual([{ path: '/files/{name}', params: ['name'] }])
    expect(toOpenAPIPaths('/d/:date{[0-9]{4}-[0-9]{2}}/x')).toEqual([
      { path: '/d/{date}/x', params: ['date'] },
    ])
  })

  it('gives one path per variant of optional parameters, longest first', () => {
    expect(toOpenAPIPaths('/items/:id?')).toEqual([
      { path: '/items/{id}', params: ['id'] },
      { path: '/items', params: [] },
    ])
    expect(toOpenAPIPaths('/a/:b?/:c?').map((p) => p.path)).toEqual(['/a/{b}/{c}', '/a/{b}', '/a'])
    expect(toOpenAPIPaths('/:n{[0-9]+}?').map((p) => p.path)).toEqual(['/{n}', '/'])
  })

  it('leaves colons inside a segment alone', () => {
    expect(toOpenAPIPaths('/v1/items:batch')).toEqual([{ path: '/v1/items:batch', params: [] }])
  })
})
