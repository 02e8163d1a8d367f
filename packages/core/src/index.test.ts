import { describe, expect, it } from 'vitest'
import { packageName } from './index.ts'

describe('@tandem/core', () => {
  it('loads', () => {
    expect(packageName).toBe('@tandem/core')
  })
})
