// Text and binary imports of the docs assets (see assets-data.ts). Bundlers that honour import
// attributes (esbuild, Bun) read `with { type }`; Vite and Vitest read the `?raw`/`?inline` suffix.
declare module '*?raw' {
  const text: string
  export default text
}

declare module '*?inline' {
  /** Bytes from esbuild (`type: 'bytes'`); a `data:` URL from Vite. */
  const data: Uint8Array | string
  export default data
}
