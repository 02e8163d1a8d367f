import { describe, expect, it } from 'vitest'
import { errorIs, HTTPException } from '../errors.ts'
import { deserializeError, serializeError } from './errors-wire.ts'

class ShopError extends Error {}
class OutOfStock extends ShopError {}
class Unrelated extends Error {}

/** What an error becomes on the other side of a thread. */
const crossed = (error: unknown) => deserializeError(structuredClone(serializeError(error)))

describe('errors across threads', () => {
  it('keeps name, message, code and the names of the classes; rebuilds HTTPException whole', () => {
    const error = Object.assign(new OutOfStock('no fries'), { code: 'E_STOCK' })
    const back = crossed(error) as Error
    expect(back).toBeInstanceOf(Error)
    expect(back).not.toBeInstanceOf(OutOfStock)
    expect([back.name, back.message, (back as { code?: string }).code]).toEqual([
      'Error',
      'no fries',
      'E_STOCK',
    ])
    const http = crossed(new HTTPException(404, 'gone', { headers: { 'x-a': '1' } }))
    expect(http).toBeInstanceOf(HTTPException)
    expect(http).toMatchObject({ status: 404, detail: 'gone', headers: { 'x-a': '1' } })
  })

  it('errorIs() matches the class and its ancestors by name after the crossing, as instanceof before', () => {
    const local = new OutOfStock('x')
    const back = crossed(local)
    for (const error of [local, back]) {
      expect(errorIs(error, OutOfStock)).toBe(true)
      expect(errorIs(error, ShopError)).toBe(true)
      expect(errorIs(error, Error)).toBe(true)
      expect(errorIs(error, Unrelated)).toBe(false)
    }
    expect(errorIs(crossed(new Error('plain')), OutOfStock)).toBe(false)
    // Two crossings (a remote worker's thread, its process, the server) keep the classes too.
    const twice = crossed(crossed(local))
    expect(errorIs(twice, ShopError)).toBe(true)
    expect(errorIs(twice, Unrelated)).toBe(false)
    expect(errorIs('a string', OutOfStock)).toBe(false)
    expect(errorIs(null, OutOfStock)).toBe(false)
  })
})
