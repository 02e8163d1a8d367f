// The realistic route's domain, shared by its three servers so they validate the same rules and
// return the same output: the Zod schemas (Hono, Tandem), the same rules as JSON Schema (Fastify),
// and the two dependency-like steps plus the handler's work as plain functions.
import { z } from 'zod'

// ---------------------------------------------------------------------------------------------
// Input and output, as Zod schemas.

export const Currency = z.enum(['EUR', 'USD', 'GBP'])

export const Address = z.object({
  street: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(2).max(12),
  country: z.string().length(2),
})

export const Item = z.object({
  sku: z.string().min(1).max(32),
  quantity: z.number().int().min(1).max(100),
  unitPrice: z.number().min(0),
})

export const OrderIn = z.object({
  customerId: z.number().int().min(1),
  customerName: z.string().min(1).max(100),
  email: z.string().min(3).max(254),
  currency: Currency,
  priority: z.number().int().min(0).max(9),
  giftWrap: z.boolean(),
  tags: z.array(z.string().max(32)).max(10),
  shippingAddress: Address,
  items: z.array(Item).min(1).max(50),
  notes: z.string().max(500).optional(),
})
export type OrderIn = z.infer<typeof OrderIn>

export const OrderLine = z.object({
  sku: z.string(),
  quantity: z.number().int(),
  lineTotal: z.number(),
})

export const OrderOut = z.object({
  id: z.number().int(),
  status: z.enum(['accepted']),
  accountId: z.string(),
  customerId: z.number().int(),
  currency: Currency,
  itemCount: z.number().int(),
  subtotal: z.number(),
  tax: z.number(),
  shipping: z.number(),
  total: z.number(),
  shipTo: z.object({ city: z.string(), country: z.string() }),
  giftWrap: z.boolean(),
  notes: z.string().optional(),
  lines: z.array(OrderLine).optional(),
})

// ---------------------------------------------------------------------------------------------
// The same rules as JSON Schema, for Fastify (hand-written, as a Fastify user would).

const currencySchema = { type: 'string', enum: ['EUR', 'USD', 'GBP'] } as const

export const orderInJsonSchema = {
  type: 'object',
  required: [
    'customerId',
    'customerName',
    'email',
    'currency',
    'priority',
    'giftWrap',
    'tags',
    'shippingAddress',
    'items',
  ],
  properties: {
    customerId: { type: 'integer', minimum: 1 },
    customerName: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', minLength: 3, maxLength: 254 },
    currency: currencySchema,
    priority: { type: 'integer', minimum: 0, maximum: 9 },
    giftWrap: { type: 'boolean' },
    tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 32 } },
    shippingAddress: {
      type: 'object',
      required: ['street', 'city', 'postalCode', 'country'],
      properties: {
        street: { type: 'string', minLength: 1, maxLength: 200 },
        city: { type: 'string', minLength: 1, maxLength: 100 },
        postalCode: { type: 'string', minLength: 2, maxLength: 12 },
        country: { type: 'string', minLength: 2, maxLength: 2 },
      },
    },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['sku', 'quantity', 'unitPrice'],
        properties: {
          sku: { type: 'string', minLength: 1, maxLength: 32 },
          quantity: { type: 'integer', minimum: 1, maximum: 100 },
          unitPrice: { type: 'number', minimum: 0 },
        },
      },
    },
    notes: { type: 'string', maxLength: 500 },
  },
} as const

export const orderOutJsonSchema = {
  type: 'object',
  required: [
    'id',
    'status',
    'accountId',
    'customerId',
    'currency',
    'itemCount',
    'subtotal',
    'tax',
    'shipping',
    'total',
    'shipTo',
    'giftWrap',
  ],
  properties: {
    id: { type: 'integer' },
    status: { type: 'string', enum: ['accepted'] },
    accountId: { type: 'string' },
    customerId: { type: 'integer' },
    currency: currencySchema,
    itemCount: { type: 'integer' },
    subtotal: { type: 'number' },
    tax: { type: 'number' },
    shipping: { type: 'number' },
    total: { type: 'number' },
    shipTo: {
      type: 'object',
      required: ['city', 'country'],
      properties: { city: { type: 'string' }, country: { type: 'string' } },
    },
    giftWrap: { type: 'boolean' },
    notes: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'quantity', 'lineTotal'],
        properties: { sku: { type: 'string' }, quantity: { type: 'integer' }, lineTotal: { type: 'number' } },
      },
    },
  },
} as const

// ---------------------------------------------------------------------------------------------
// The two dependency-like steps and the handler's work.

export interface Account {
  accountId: string
  tier: 'gold' | 'standard'
  /** Internal: must never reach the response (the output schema filters it). */
  secret: string
}

const accounts = new Map<string, Account>([
  ['bench-secret-key', { accountId: 'acc_1001', tier: 'gold', secret: 'internal-token-1001' }],
])

/** Step 1: the account behind an API key, or undefined (the route answers 401). */
export function findAccount(apiKey: string): Account | undefined {
  return accounts.get(apiKey)
}

export interface Pricing {
  taxRate: number
  shippingFee: number
  freeShippingFrom: number
}

const taxRates = new Map([
  ['FR', 0.2],
  ['DE', 0.19],
  ['GB', 0.2],
  ['US', 0.07],
])
const shippingFees = { EUR: 4.9, USD: 5.5, GBP: 4.5 } as const

/** Step 2: tax and shipping for a currency and destination country. */
export function getPricing(currency: OrderIn['currency'], country: string): Pricing {
  return { taxRate: taxRates.get(country) ?? 0.1, shippingFee: shippingFees[currency], freeShippingFrom: 100 }
}

const round2 = (x: number) => Math.round(x * 100) / 100

/**
 * The handler's work: an order with more than the output schema allows (the account's secret, the
 * full address, unit prices), so each framework's response filtering has work to do.
 */
export function buildOrder(id: number, verbose: boolean, order: OrderIn, account: Account, pricing: Pricing) {
  let itemCount = 0
  let subtotal = 0
  const lines = order.items.map((item) => {
    const lineTotal = round2(item.quantity * item.unitPrice)
    itemCount += item.quantity
    subtotal += lineTotal
    return { ...item, lineTotal }
  })
  subtotal = round2(subtotal)
  const tax = round2(subtotal * pricing.taxRate)
  const shipping = subtotal >= pricing.freeShippingFrom ? 0 : pricing.shippingFee
  return {
    id,
    status: 'accepted' as const,
    accountId: account.accountId,
    account,
    customerId: order.customerId,
    customerName: order.customerName,
    currency: order.currency,
    itemCount,
    subtotal,
    tax,
    shipping,
    total: round2(subtotal + tax + shipping),
    shipTo: order.shippingAddress,
    giftWrap: order.giftWrap,
    notes: order.notes,
    lines: verbose ? lines : undefined,
    priority: order.priority,
  }
}
