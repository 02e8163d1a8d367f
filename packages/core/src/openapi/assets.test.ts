import { describe, expect, it } from 'vitest'
import { docsAssetNames, loadDocsAsset } from './assets.ts'

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
// Vitest replaces every imported .css file with '' unless its config lists it in `test.css.include`;
// built code (esbuild) always has the real file.
const cssImportsWork = (await loadDocsAsset('swagger-ui.css'))?.body !== ''

describe('loadDocsAsset', () => {
  it('serves Swagger UI and Redoc bundles as JavaScript', async () => {
    const swagger = await loadDocsAsset('swagger-ui-bundle.js')
    expect(swagger?.contentType).toBe('text/javascript; charset=utf-8')
    expect(swagger?.body).toContain('SwaggerUIBundle')
    const redoc = await loadDocsAsset('redoc.standalone.js')
    expect(redoc?.contentType).toBe('text/javascript; charset=utf-8')
    expect(redoc?.body).toContain('Redoc')
    expect((await loadDocsAsset('oauth2-redirect.js'))?.body).toContain('swaggerUIRedirectOauth2')
  })

  it('serves bundles that load no image from outside the app (Redoc: no Redocly logo from its CDN)', async () => {
    const redoc = (await loadDocsAsset('redoc.standalone.js'))?.body as string
    // Matches, not the bundles themselves, so that a failure prints a few characters, not 1 MB.
    expect(redoc.match(/.{0,60}cdn\.redoc\.ly.{0,20}/g)).toBeNull()
    expect(redoc.includes('alt:"redocly logo",onError:()=>t(!1),src:"data:,"')).toBe(true)
    for (const bundle of [redoc, (await loadDocsAsset('swagger-ui-bundle.js'))?.body as string]) {
      expect(bundle.match(/\bsrc:"(?!data:)[a-z][a-z0-9+.-]*:[^"]{0,80}"/gi)).toBeNull()
    }
  })

  it('serves the licenses the bundles point to', async () => {
    expect((await loadDocsAsset('swagger-ui-bundle.js.LICENSE.txt'))?.body).toContain('license')
    expect((await loadDocsAsset('redoc.standalone.js.LICENSE.txt'))?.body).toContain('ReDoc')
  })

  it('serves the favicons as PNG bytes', async () => {
    for (const name of ['favicon-32x32.png', 'favicon-16x16.png']) {
      const icon = await loadDocsAsset(name)
      expect(icon?.contentType).toBe('image/png')
      const body = icon?.body
      expect(body).toBeInstanceOf(Uint8Array)
      expect([...(body as Uint8Array).subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    }
  })

  it('serves the stylesheet as CSS', async () => {
    const css = await loadDocsAsset('swagger-ui.css')
    expect(css?.contentType).toBe('text/css; charset=utf-8')
    expect(typeof css?.body).toBe('string')
  })

  it.skipIf(!cssImportsWork)(
    'embeds the real stylesheet (needs test.css.include in vitest.config.ts)',
    async () => {
      expect((await loadDocsAsset('swagger-ui.css'))?.body).toContain('.swagger-ui')
    },
  )

  it('gives undefined for every other name', async () => {
    for (const name of [
      '',
      'index.html',
      '../package.json',
      'swagger-ui.js',
      '__proto__',
      'constructor',
      'toString',
    ]) {
      expect(await loadDocsAsset(name)).toBeUndefined()
    }
  })

  it('lists what it serves', async () => {
    expect(docsAssetNames).toContain('swagger-ui.css')
    for (const name of docsAssetNames) expect(await loadDocsAsset(name)).toBeDefined()
  })
})
