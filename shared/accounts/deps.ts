// The adapters the accounts domain works with; functions/services.ts provides them all.
import type { HostCalendars } from '../booking/host-calendar';
import type { ChannelService } from '../channels/channel-service';
import type { Logger } from '../log';
import type { SubscriberRepository } from '../store/subscribers';
import type { TokenCipher } from '../store/token-cipher';

export interface AccountDeps {
  subscribers: SubscriberRepository;
  channels: ChannelService;
  cipher: TokenCipher;
  calendars: HostCalendars;
  now: () => Date;
  log: Logger;
}

/** Revokes a grant at Google (GoogleSignIn does). */
export interface GrantRevoker {
  revoke(refreshToken: string): Promise<void>;
}
