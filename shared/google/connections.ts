// One OAuth2 client per host connection, kept at module scope by the caller so an instance that
// serves many requests refreshes a host's access token once an hour, not once a call.
// OAuth2Client caches the access token itself and refreshes it shortly before expiry.
// Requests use Node's own fetch: gaxios would otherwise import node-fetch dynamically on first
// use, one more module at cold start (and a dynamic import that jest's CommonJS sandbox refuses).
import { OAuth2Client } from 'google-auth-library';

export interface GoogleConnection {
  /** Stable key of the connection, e.g. the subscriber id. */
  id: string;
  refreshToken: string;
}

export interface OAuthSettings {
  tokenUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
}

export class ConnectionCache {
  private readonly clients = new Map<string, { refreshToken: string; client: OAuth2Client }>();

  constructor(
    private readonly settings: OAuthSettings,
    private readonly capacity = 500,
  ) {}

  /** The cached client of a connection; a changed refresh token (reconnect) gets a new one. */
  clientFor(connection: GoogleConnection): OAuth2Client {
    const cached = this.clients.get(connection.id);
    if (cached && cached.refreshToken === connection.refreshToken) {
      // Re-insert to keep the map in least-recently-used order.
      this.clients.delete(connection.id);
      this.clients.set(connection.id, cached);
      return cached.client;
    }
    const client = new OAuth2Client({
      clientId: this.settings.clientId,
      clientSecret: this.settings.clientSecret,
      endpoints: { oauth2TokenUrl: this.settings.tokenUrl, oauth2AuthBaseUrl: this.settings.authUrl },
      transporterOptions: { fetchImplementation: fetch },
    });
    client.setCredentials({ refresh_token: connection.refreshToken });
    this.clients.delete(connection.id);
    this.clients.set(connection.id, { refreshToken: connection.refreshToken, client });
    while (this.clients.size > this.capacity) {
      const oldest = this.clients.keys().next().value;
      if (oldest === undefined) break;
      this.clients.delete(oldest);
    }
    return client;
  }

  /** Forgets the cached access token (Google said 401 to it), keeping the refresh token. */
  dropAccessToken(connection: GoogleConnection): void {
    this.clientFor(connection).setCredentials({ refresh_token: connection.refreshToken });
  }

  /** Drops a connection whose grant is gone, so nothing keeps using its access token. */
  forget(connectionId: string): void {
    this.clients.delete(connectionId);
  }
}
