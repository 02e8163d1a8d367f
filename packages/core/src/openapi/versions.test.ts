import redocPackage from 'redoc/package.json' with { type: 'json' }
import swaggerUIPackage from 'swagger-ui-dist/package.json' with { type: 'json' }
import { expect, it } from 'vitest'
import { REDOC_VERSION, SWAGGER_UI_VERSION } from './versions.ts'

it('pins the CDN to the versions of the embedded files', () => {
  expect(SWAGGER_UI_VERSION).toBe(swaggerUIPackage.version)
  expect(REDOC_VERSION).toBe(redocPackage.version)
})
