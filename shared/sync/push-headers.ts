// The headers of a Google push notification (Calendar "Push notifications" guide). Push carries
// no body; message numbers are for monitoring and dedupe only, never a watermark.
import { z } from 'zod';

export const pushHeadersSchema = z.object({
  /** Any id: whether it could be ours is receivePush's question (a 404, not a 400). */
  channelId: z.string().min(1),
  token: z.string().min(1).max(256),
  resourceId: z.string().min(1).max(256),
  resourceState: z.enum(['sync', 'exists', 'not_exists']),
  messageNumber: z.coerce.number().int().min(1),
  /** RFC 1123, e.g. "Tue, 19 Nov 2013 01:13:52 GMT"; absent for channels without expiry. */
  expiration: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an RFC 1123 date')
    .transform((v) => new Date(v))
    .optional(),
});
export type PushHeaders = z.infer<typeof pushHeadersSchema>;

type Headers = Record<string, string | string[] | undefined>;

function one(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parsePushHeaders(headers: Headers): ReturnType<typeof pushHeadersSchema.safeParse> {
  return pushHeadersSchema.safeParse({
    channelId: one(headers, 'x-goog-channel-id'),
    token: one(headers, 'x-goog-channel-token'),
    resourceId: one(headers, 'x-goog-resource-id'),
    resourceState: one(headers, 'x-goog-resource-state'),
    messageNumber: one(headers, 'x-goog-message-number'),
    expiration: one(headers, 'x-goog-channel-expiration'),
  });
}
