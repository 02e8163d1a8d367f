import { describe, expect, it } from 'vitest'
import { packageName } from './index.ts'

describe('@tandem/node', () => {
  it('loads', () => {
    expect(packageName).toBe('@tandem/node')
  })
})
