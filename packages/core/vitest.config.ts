import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // The docs assets import Swagger UI's stylesheet as text; Vitest would otherwise stub it out.
    css: { include: [/swagger-ui-dist/] },
  },
})
