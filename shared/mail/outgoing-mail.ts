// The shape every template returns and the mailer sends. Kept apart from the templates so the
// outbox (shared/store/mail-outbox) can store it without depending on how mails are worded.
import { z } from 'zod';

export const mailAddressSchema = z.object({
  email: z.email(),
  name: z.string().min(1).optional(),
});
export type MailAddress = z.infer<typeof mailAddressSchema>;

export const mailAttachmentSchema = z.object({
  filename: z.string().min(1),
  // RFC 6047 §2.4: a calendar part MUST name its iTIP method, the same as the METHOD inside the
  // file; Outlook and Apple Mail offer an invitation only then. SendGrid takes this one parameter
  // and refuses any other (a charset included). The bare type is what mail queued before this
  // change carries; the outbox still reads it.
  type: z.enum(['text/calendar; method=REQUEST', 'text/calendar; method=CANCEL', 'text/calendar']),
  content: z.base64(),
  disposition: z.literal('attachment'),
});
export type MailAttachment = z.infer<typeof mailAttachmentSchema>;

export const outgoingMailSchema = z.object({
  to: mailAddressSchema,
  /** Who a reply should reach: the other party of the booking, not our sending address. */
  replyTo: mailAddressSchema.optional(),
  subject: z.string().min(1),
  text: z.string().min(1),
  html: z.string().min(1),
  attachments: z.array(mailAttachmentSchema).optional(),
});
export type OutgoingMail = z.infer<typeof outgoingMailSchema>;
