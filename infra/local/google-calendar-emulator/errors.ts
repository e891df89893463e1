// Errors the emulator answers with, in Google's JSON shapes: the Calendar API's
// `{error: {code, message, errors: [{domain, reason, message}], status}}` (Calendar "Handle API errors"
// guide) and the OAuth token endpoint's `{error, error_description}` (RFC 6749 §5.2).

/** Canonical status names Google pairs with HTTP codes in its error JSON. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface GoogleErrorDetail {
  domain?: string;
  location?: string;
  locationType?: 'header' | 'parameter';
}

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly detail: GoogleErrorDetail = {},
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }

  toJson(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [
          {
            domain: this.detail.domain ?? 'global',
            reason: this.reason,
            message: this.message,
            ...(this.detail.location ? { location: this.detail.location, locationType: this.detail.locationType } : {}),
          },
        ],
        status: STATUS_NAMES[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

export function badRequest(reason: string, message: string, detail?: GoogleErrorDetail): GoogleApiError {
  return new GoogleApiError(400, reason, message, detail);
}

export function notFound(): GoogleApiError {
  return new GoogleApiError(404, 'notFound', 'Not Found');
}

/** An error of the OAuth endpoints (token, revoke): `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  toJson(): unknown {
    return { error: this.error, error_description: this.description };
  }
}

/** Bad input to the emulator's own control API. */
export class ControlInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ControlInputError';
  }
}
