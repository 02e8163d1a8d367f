import { describe, expect, it } from 'vitest'
import { docsAssetUrls, redocHtml, swaggerUIHtml, swaggerUIOAuth2RedirectHtml } from './pages.ts'

const local = { mode: 'local', base: '/docs/assets' } as const

describe('swaggerUIHtml', () => {
  const html = swaggerUIHtml({
    title: 'Shop - Swagger UI',
    openapiUrl: '/openapi.json',
    assets: local,
    oauth2RedirectUrl: '/docs/oauth2-redirect',
  })

  it('loads Swagger UI from the app and the document from openapiUrl', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain('<link type="text/css" rel="stylesheet" href="/docs/assets/swagger-ui.css">')
    expect(html).toContain('<link rel="shortcut icon" href="/docs/assets/favicon-32x32.png">')
    expect(html).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>')
    expect(html).toContain('<div id="swagger-ui">')
    expect(html).toContain('<title>Shop - Swagger UI</title>')
    expect(html).toContain(
      'const config = {"url":"/openapi.json","dom_id":"#swagger-ui","layout":"BaseLayout","deepLinking":true,' +
        '"showExtensions":true,"showCommonExtensions":true}',
    )
    expect(html).toContain('config.oauth2RedirectUrl = window.location.origin + "/docs/oauth2-redirect"')
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('escapes the title and every value it embeds', () => {
    const hostile = swaggerUIHtml({
      title: '</title><script>alert("x")</script>',
      openapiUrl: '/openapi.json?x="></script><script>alert(1)</script>',
      assets: { mode: 'local', base: '/a"b' },
      oauth2RedirectUrl: 'https://auth.example/</script>',
      parameters: { docExpansion: 'none', filter: '</script>' },
      initOAuth: { clientId: '<id>' },
    })
    expect(hostile).toContain(
      '<title>&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>',
    )
    expect(hostile).toContain('href="/a&quot;b/swagger-ui.css"')
    expect(hostile.match(/<\/script>/g)).toHaveLength(2)
    expect(hostile).toContain('"docExpansion":"none"')
    expect(hostile).toContain('config.oauth2RedirectUrl = "https://auth.example/\\u003c/script\\u003e"')
    expect(hostile).toContain('ui.initOAuth({"clientId":"\\u003cid\\u003e"})')
  })

  it('pins the CDN versions', () => {
    const cdn = swaggerUIHtml({ title: 'T', openapiUrl: '/openapi.json', assets: { mode: 'cdn' } })
    expect(cdn).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui-bundle.js')
    expect(cdn).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui.css')
    expect(cdn).not.toContain('oauth2RedirectUrl')
  })
})

describe('redocHtml', () => {
  it('loads Redoc from the app and the document from openapiUrl', () => {
    const html = redocHtml({ title: 'Shop <ReDoc>', openapiUrl: '/openapi.json', assets: local })
    expect(html).toContain('<title>Shop &lt;ReDoc&gt;</title>')
    expect(html).toContain('<redoc spec-url="/openapi.json"></redoc>')
    expect(html).toContain('<script src="/docs/assets/redoc.standalone.js"> </script>')
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('pins the CDN version, on a CDN of choice', () => {
    expect(redocHtml({ title: 'T', openapiUrl: '/o.json', assets: { mode: 'cdn' } })).toContain(
      '<script src="https://cdn.jsdelivr.net/npm/redoc@2.5.4/bundles/redoc.standalone.js"> </script>',
    )
    expect(
      redocHtml({ title: 'T', openapiUrl: '/o.json', assets: { mode: 'cdn', base: 'https://unpkg.com/' } }),
    ).toContain('https://unpkg.com/redoc@2.5.4/bundles/redoc.standalone.js')
  })
})

describe('swaggerUIOAuth2RedirectHtml', () => {
  it("runs Swagger UI's redirect script", () => {
    expect(swaggerUIOAuth2RedirectHtml({ assets: local })).toContain(
      '<script src="/docs/assets/oauth2-redirect.js"></script>',
    )
  })
})

describe('docsAssetUrls', () => {
  it('names only files loadDocsAsset serves in local mode', async () => {
    const { docsAssetNames } = await import('./assets.ts')
    for (const url of Object.values(docsAssetUrls({ mode: 'local', base: '/docs/assets/' }))) {
      expect(url).toMatch(/^\/docs\/assets\/[^/]+$/)
      expect(docsAssetNames).toContain(url.split('/').pop())
    }
  })
})
