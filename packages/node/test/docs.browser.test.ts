import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
// The docs functions are not exported by @tandem/core yet: the test uses them from source. Once
import { App, depends, HTTPException, oauth2PasswordBearer } from '@tandem/core'
import { loadDocsAsset } from '@tandem/core/openapi'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // docs.test is this machine (a name that is not localhost: Swagger UI treats localhost specially);
  // any other name fails to resolve, so a request that slips past the routing below still goes nowhere.
  '--host-resolver-rules=MAP docs.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
]
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(
    `docs.browser.test.ts skipped: ${CHROMIUM} is not installed. ` +
      'Install it with tooling/ci/system-deps.sh (as root) or apt-get install chromium.',
  )
}

const cssEmbedded = (await loadDocsAsset('swagger-ui.css'))?.body !== ''

/** A small shop app: the docs pages are the App's own. */
function shopApp(): App {
  const app = new App({ title: 'Shop', version: '1.0.0' })
  const Item = z
    .object({ name: z.string(), price: z.number().min(0), tax: z.number().default(0) })
    .meta({ id: 'ShopItem', description: 'An item of the shop.' })
  const oauth2 = oauth2PasswordBearer({ tokenUrl: 'token', scopes: { 'items:write': 'Write items.' } })
  const writer = depends({ deps: { token: oauth2 } }, ({ deps }) => deps.token)
  const items: z.infer<typeof Item>[] = []
  app.get(
    '/items/',
    {
      tags: ['items'],
      query: { skip: z.number().int().min(0).default(0), tag: z.array(z.string()).optional() },
      headers: { 'x-token': z.string() },
      response: z.array(Item),
    },
    function list_items({ query }) {
      return items.slice(query.skip)
    },
  )
  app.post(
    '/items/',
    { tags: ['items'], body: Item, status: 201, deps: { writer: writer.with({ scopes: ['items:write'] }) } },
    function create_item({ body }) {
      items.push(body)
      return body
    },
  )
  app.get(
    '/items/:item_id',
    { tags: ['items'], params: { item_id: z.number().int() } },
    function read_item({ params }) {
      const item = items[params.item_id]
      if (!item) throw new HTTPException(404, 'Item not found')
      return item
    },
  )
  app.delete(
    '/items/:item_id',
    { tags: ['items'], summary: 'Remove an item', params: { item_id: z.number().int() }, status: 204 },
    () => null,
  )
  app.post(
    '/files/:folder/upload',
    { params: { folder: z.string() }, form: { note: z.string().optional(), file: z.file() } },
    function upload({ form }) {
      return { name: form.file.name }
    },
  )
  app.get('/health', () => 'ok')
  return app
}

describe.skipIf(!hasChromium)('the docs pages in Chromium', () => {
  const server = createAdaptorServer({ fetch: shopApp().fetch })
  let origin = ''
  let browser: Browser

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server.close(resolve))
  })

  /**
   * Opens `path` (at `at`, the app's origin by default), recording page errors and every request
   * that would leave the app: those are aborted, so the test itself sends nothing outside.
   */
  async function open(
    path: string,
    at = origin,
  ): Promise<{ page: Page; errors: string[]; outside: string[] }> {
    const page = await browser.newPage()
    const errors: string[] = []
    const outside: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(`${at}/`)) return route.continue()
      outside.push(url)
      return route.abort('blockedbyclient')
    })
    // Requests routing does not see (a service worker's, a WebSocket): recorded too.
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(`${at}/`) && !/^(data|blob|about):/.test(url) && !outside.includes(url))
        outside.push(url)
    })
    await page.goto(at + path)
    return { page, errors, outside }
  }

  it('Swagger UI lists every operation, from assets the app serves itself', async () => {
    const { page, errors, outside } = await open('/docs')
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 })
    expect(await page.title()).toBe('Shop - Swagger UI')
    const operations = await page
      .locator('.opblock')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('.opblock-summary-path, .opblock-summary-path__deprecated')?.getAttribute('data-path')}`,
        ),
      )
    expect(new Set(operations)).toEqual(
      new Set([
        'GET /items/',
        'POST /items/',
        'GET /items/{item_id}',
        'DELETE /items/{item_id}',
        'POST /files/{folder}/upload',
        'GET /health',
      ]),
    )
    expect(await page.locator('.opblock-tag').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^items/), expect.stringMatching(/^default/)]),
    )
    // The OAuth2 scheme gives the page its Authorize button.
    await page.locator('.auth-wrapper .authorize').waitFor()
    expect(errors).toEqual([])
    expect(outside).toEqual([])
    await page.close()
  }, 60_000)

  it('Swagger UI offers a file input for a multipart upload', async () => {
    const { page, errors } = await open('/docs#/default/upload_files__folder__upload_post')
    const upload = page.locator('#operations-default-upload_files__folder__upload_post')
    await upload.waitFor({ timeout: 30_000 })
    if (!(await upload.locator('.try-out').isVisible()))
      await upload.locator('.opblock-summary-control').click()
    await upload.locator('.try-out__btn').click()
    await expect.poll(() => upload.locator('input[type=file]').count(), { timeout: 10_000 }).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  // Vitest replaces imported .css files with '' unless configured to load them (test.css.include);
  // the built package always embeds the real stylesheet.
  it.skipIf(!cssEmbedded)(
    'Swagger UI is styled by the stylesheet the app serves',
    async () => {
      const { page } = await open('/docs')
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 })
      const border = await page
        .locator('.opblock-get')
        .first()
        .evaluate((el) => getComputedStyle(el).borderColor)
      expect(border).toBe('rgb(97, 175, 254)')
      await page.close()
    },
    60_000,
  )

  it('Redoc lists every operation, from assets the app serves itself', async () => {
    const { page, errors, outside } = await open('/redoc')
    await page.locator('h2', { hasText: 'Read Item' }).first().waitFor({ timeout: 30_000 })
    expect(await page.title()).toBe('Shop - ReDoc')
    const text = (await page.locator('redoc').textContent()) ?? ''
    for (const summary of ['List Items', 'Create Item', 'Read Item', 'Remove an item', 'Upload']) {
      expect(text).toContain(summary)
    }
    for (const path of ['/items/{item_id}', '/files/{folder}/upload']) expect(text).toContain(path)
    expect(errors).toEqual([])
    // Redoc 2's badge would load Redocly's logo from cdn.redoc.ly: the served bundle has no URL there.
    expect(outside).toEqual([])
    expect(await page.locator('img[alt="redocly logo"]').count()).toBe(0)
    await page.close()
  }, 60_000)

  it('neither page loads anything from outside the app under a host name that is not localhost', async () => {
    const named = origin.replace('127.0.0.1', 'docs.test')
    for (const [path, ready] of [
      ['/docs', '.opblock'],
      ['/redoc', 'h2:has-text("Read Item")'],
    ] as const) {
      const { page, errors, outside } = await open(path, named)
      await page.locator(ready).first().waitFor({ timeout: 30_000 })
      // Everything the page loads has loaded: late requests (images, fonts) are in `outside` too.
      await page.waitForLoadState('networkidle')
      expect({ path, errors, outside }).toEqual({ path, errors: [], outside: [] })
      await page.close()
    }
  }, 120_000)

  it('serves the OAuth2 redirect page with its script', async () => {
    const response = await fetch(`${origin}/docs/oauth2-redirect`)
    expect(await response.text()).toContain('/docs/assets/oauth2-redirect.js')
    const script = await fetch(`${origin}/docs/assets/oauth2-redirect.js`)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toContain('swaggerUIRedirectOauth2')
  })
})
