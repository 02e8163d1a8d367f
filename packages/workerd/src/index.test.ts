import { describe, expect, it } from 'vitest'
import { packageName } from './index.ts'

describe('@tandem/workerd', () => {
  it('loads', () => {
    expect(packageName).toBe('@tandem/workerd')
  })
})
