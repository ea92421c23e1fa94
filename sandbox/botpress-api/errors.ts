/**
 * Botpress API error model.
 *
 * The real API answers errors with a JSON body `{ id, code, type, message }`.
 * `@botpress/client` (`errorFrom` / its axios `toApiError`) picks the error class
 * from `type` alone (e.g. `ResourceNotFound` -> `ResourceNotFoundError`); the HTTP
 * status is not used for classification, so `type` must always be present.
 */
import { randomBytes } from 'node:crypto'

export const API_ERROR_TYPES = {
  Unknown: 500,
  Internal: 500,
  Unauthorized: 401,
  Forbidden: 403,
  PayloadTooLarge: 413,
  InvalidPayload: 400,
  UnsupportedMediaType: 415,
  MethodNotFound: 405,
  ResourceNotFound: 404,
  InvalidJsonSchema: 400,
  InvalidDataFormat: 400,
  InvalidIdentifier: 400,
  RelationConflict: 409,
  ReferenceConstraint: 409,
  ResourceLockedConflict: 409,
  ResourceGone: 410,
  ReferenceNotFound: 400,
  InvalidQuery: 400,
  Runtime: 400,
  AlreadyExists: 409,
  RateLimited: 429,
  PaymentRequired: 402,
  QuotaExceeded: 403,
  LimitExceeded: 413,
  BreakingChanges: 400,
  OperationTimeout: 504,
} as const

export type ApiErrorType = keyof typeof API_ERROR_TYPES

export interface ApiErrorBody {
  id: string
  code: number
  type: ApiErrorType
  message: string
}

/** Same shape as the ids the client generates: `err_<yyyymmddhhmmss>x<8 hex>`. */
export function generateErrorId(): string {
  const stamp = new Date().toISOString().replace(/[-:TZ]/g, '').split('.')[0] ?? ''
  return `err_${stamp}x${randomBytes(4).toString('hex').toUpperCase()}`
}

export class ApiError extends Error {
  readonly type: ApiErrorType
  readonly code: number

  constructor(type: ApiErrorType, message: string, code: number = API_ERROR_TYPES[type]) {
    super(message)
    this.name = 'ApiError'
    this.type = type
    this.code = code
  }

  toBody(): ApiErrorBody {
    return { id: generateErrorId(), code: this.code, type: this.type, message: this.message }
  }
}

/** Picks the error type the real API would use for a bare HTTP status (used by `failNext`). */
export function errorTypeForStatus(status: number): ApiErrorType {
  switch (status) {
    case 400:
      return 'InvalidPayload'
    case 401:
      return 'Unauthorized'
    case 402:
      return 'PaymentRequired'
    case 403:
      return 'Forbidden'
    case 404:
      return 'ResourceNotFound'
    case 405:
      return 'MethodNotFound'
    case 409:
      return 'AlreadyExists'
    case 410:
      return 'ResourceGone'
    case 413:
      return 'PayloadTooLarge'
    case 415:
      return 'UnsupportedMediaType'
    case 429:
      return 'RateLimited'
    case 504:
      return 'OperationTimeout'
    case 500:
      return 'Internal'
    default:
      return status >= 500 ? 'Internal' : 'Unknown'
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError('ResourceNotFound', `${what} "${id}" doesn't exist`)

export const referenceNotFound = (field: string, id: string): ApiError =>
  new ApiError('ReferenceNotFound', `The ${field} "${id}" doesn't reference an existing resource`)

export const invalidPayload = (message: string): ApiError => new ApiError('InvalidPayload', message)
