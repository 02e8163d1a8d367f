import { describe, expect, it } from 'vitest'
import { packageName } from './index.ts'

describe('@tandem/bun', () => {
  it('loads', () => {
    expect(packageName).toBe('@tandem/bun')
  })
})
