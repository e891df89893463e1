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
  // SendGrid refuses a type with ';', so `text/calendar; method=REQUEST` cannot be said here:
  // the METHOD line inside the file is what calendar clients go by.
  type: z.literal('text/calendar'),
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
