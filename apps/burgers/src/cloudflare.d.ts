// The one workerd module the shop imports (types kept minimal: no Cloudflare type package needed).
declare module 'cloudflare:workers' {
  export class DurableObject<Env = unknown> {
    protected ctx: { waitUntil(promise: Promise<unknown>): void }
    protected env: Env
    constructor(ctx: unknown, env: Env)
    fetch?(request: Request): Response | Promise<Response>
  }
}
