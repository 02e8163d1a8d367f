/**
 * The versions of the docs front-ends Tandem serves: the npm packages whose files `assets.ts`
 * embeds, and the versions the CDN mode of the pages pins. A test keeps them equal to the
 * installed packages, so a bump of either is caught.
 */
export const SWAGGER_UI_VERSION = '5.35.0'

/** Redoc 2, the line FastAPI serves (Redoc 3 sends telemetry by default and is twice the size). */
export const REDOC_VERSION = '2.5.4'
