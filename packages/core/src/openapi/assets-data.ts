/// <reference path="./raw.d.ts" />
/**
 * The docs assets themselves, copied from their npm packages into this module at build time. Only
 * the `@tandem/core/docs-assets` entry (docs-assets.ts) imports it, so these ~3 MB are in that
 * entry's file of the build and nowhere else.
 */

import redoc from 'redoc/bundles/redoc.standalone.js?raw' with { type: 'text' }
import redocLicense from 'redoc/bundles/redoc.standalone.js.LICENSE.txt?raw' with { type: 'text' }
import favicon16 from 'swagger-ui-dist/favicon-16x16.png?inline' with { type: 'bytes' }
import favicon32 from 'swagger-ui-dist/favicon-32x32.png?inline' with { type: 'bytes' }
import oauth2Redirect from 'swagger-ui-dist/oauth2-redirect.js?raw' with { type: 'text' }
import swaggerUICss from 'swagger-ui-dist/swagger-ui.css?raw' with { type: 'text' }
import swaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js?raw' with { type: 'text' }
import swaggerUILicense from 'swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt?raw' with { type: 'text' }

/**
 * Redoc 2 draws Redocly's logo in its sidebar badge from `https://cdn.redoc.ly/redoc/logo-mini.svg`,
 * with no option to leave it out. The bundle served here points the image at an empty `data:` URL
 * instead: it fails without any request, and Redoc hides a logo that fails (as when offline), so
 * `/redoc` loads nothing from outside the app. `assets.test.ts` checks the URL is gone.
 */
const REDOC_REMOTE_LOGO = /"https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini\.svg"/g

/** Each served file's contents, by its name under the assets path. */
export const assets: Record<string, string | Uint8Array> = {
  'swagger-ui-bundle.js': swaggerUIBundle,
  'swagger-ui-bundle.js.LICENSE.txt': swaggerUILicense,
  'swagger-ui.css': swaggerUICss,
  'oauth2-redirect.js': oauth2Redirect,
  'favicon-32x32.png': favicon32,
  'favicon-16x16.png': favicon16,
  'redoc.standalone.js': redoc.replace(REDOC_REMOTE_LOGO, '"data:,"'),
  'redoc.standalone.js.LICENSE.txt': redocLicense,
}
