// The checks SendGrid's POST /v3/mail/send makes before it answers 202, with its own
// wording, field paths and help links, so code that handles SendGrid's 400s can be
// exercised locally. Sources: the Mail Send "Errors" and "Limitations" pages of the
// SendGrid v3 docs. Every problem found is reported in the one answer.

export interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

export interface EmailAddress {
  email: string;
  name?: string;
}

export interface Personalization {
  to: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  subject?: string;
  [key: string]: unknown;
}

export interface Content {
  type: string;
  value: string;
}

export interface Attachment {
  content: string;
  filename: string;
  type?: string;
  disposition?: string;
  content_id?: string;
}

export interface MailSendRequest {
  personalizations: Personalization[];
  from: EmailAddress;
  subject?: string;
  content?: Content[];
  attachments?: Attachment[];
  template_id?: string;
  [key: string]: unknown;
}

export type Validation = { ok: true; mail: MailSendRequest } | { ok: false; errors: SendGridError[] };

const HELP_ROOT = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.';
const MAX_PERSONALIZATIONS = 1000;
const MAX_RECIPIENTS = 1000;

// SendGrid does not publish its address grammar; this accepts what a mail client would
// send (local@domain.tld) and rejects display-name forms, spaces and missing parts.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CRLF = /[\r\n]/;
// A bare type, or since 2018 one that carries exactly one `method` parameter, which calendar
// invitations need (RFC 6047 §2.4; SendGrid announced it in sendgrid-php #250 and
// sendgrid-nodejs #217). Any other parameter, a charset above all, is still refused with the
// "cannot contain ';'" answer (sendgrid-nodejs #1313, django-anymail #492). Forms no public
// report shows SendGrid taking (a trailing ';', a quoted or lower-case method) are refused too.
const ATTACHMENT_TYPE = /^[^\s;]+(?: ?; ?method=[A-Z]+)?$/;

const EXAMPLE_ADDRESS =
  'e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isValidEmail(value: unknown): value is string {
  return typeof value === 'string' && EMAIL.test(value);
}

function error(message: string, field: string, helpAnchor: string): SendGridError {
  return { message, field, help: HELP_ROOT + helpAnchor };
}

export function validateMailSend(body: unknown): Validation {
  if (!isRecord(body)) return { ok: false, errors: [{ message: 'Bad Request', field: null, help: null }] };

  const errors: SendGridError[] = [
    ...checkFrom(body.from),
    ...checkReplyTo(body.reply_to),
    ...checkPersonalizations(body.personalizations),
    ...checkTemplateId(body.template_id),
    ...checkSubject(body),
    ...checkContent(body),
    ...checkAttachments(body.attachments),
  ];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, mail: body as MailSendRequest };
}

function checkFrom(from: unknown): SendGridError[] {
  if (from === undefined || from === null) {
    return [
      error(
        'The from object must be provided for every email send. It is an object that requires the email parameter, ' +
          `but may also contain a name parameter.  ${EXAMPLE_ADDRESS}`,
        'from',
        'from',
      ),
    ];
  }
  if (!isRecord(from) || !isValidEmail(from.email)) {
    return [error('The from email does not contain a valid address.', 'from.email', 'from')];
  }
  return [];
}

function checkReplyTo(replyTo: unknown): SendGridError[] {
  if (replyTo === undefined) return [];
  if (isRecord(replyTo) && isValidEmail(replyTo.email)) return [];
  return [
    error(
      'The reply_to object, when used, must at least have an email parameter with a valid email address and it may ' +
        `also contain a name parameter. ${EXAMPLE_ADDRESS}`,
      'reply_to.email',
      'reply_to',
    ),
  ];
}

function checkPersonalizations(personalizations: unknown): SendGridError[] {
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    return [error('You must have at least one personalization.', 'personalizations', 'personalizations')];
  }
  if (personalizations.length > MAX_PERSONALIZATIONS) {
    return [
      error(
        `The personalization block is limited to ${MAX_PERSONALIZATIONS} personalizations per API request. You have ` +
          `provided ${personalizations.length} personalizations. Please consider splitting this into multiple ` +
          'requests and resending your request.',
        'personalizations',
        'personalizations',
      ),
    ];
  }

  const errors: SendGridError[] = [];
  let recipients = 0;
  personalizations.forEach((personalization: unknown, i) => {
    const path = `personalizations.${i}`;
    if (!isRecord(personalization)) {
      errors.push(error('The to parameter is required for all personalization objects.', `${path}.to`, 'personalizations.to'));
      return;
    }
    const { to } = personalization;
    if (!Array.isArray(to) || to.length === 0) {
      errors.push(
        error(
          'The to array is required for all personalization objects, and must have at least one email object with a ' +
            'valid email address.',
          `${path}.to`,
          'personalizations.to',
        ),
      );
    }
    const seen = new Set<string>();
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      const list = personalization[kind];
      // A missing or malformed `to` has been reported above.
      if (list === undefined || (kind === 'to' && !Array.isArray(list))) continue;
      if (!Array.isArray(list)) {
        errors.push(error(`The ${kind} parameter must be an array of email objects.`, `${path}.${kind}`, `personalizations.${kind}`));
        continue;
      }
      recipients += list.length;
      list.forEach((recipient: unknown, j) => {
        const field = `${path}.${kind}.${j}`;
        if (!isRecord(recipient) || !isValidEmail(recipient.email)) {
          errors.push(error('Does not contain a valid address.', `${field}.email`, `personalizations.${kind}`));
          return;
        }
        // The Limitations page: a recipient name may not contain ';' or ','.
        if (recipient.name !== undefined && (typeof recipient.name !== 'string' || /[;,]/.test(recipient.name))) {
          errors.push(
            error(`The ${kind}.name must be a string and cannot contain ';' or ','.`, `${field}.name`, `personalizations.${kind}`),
          );
        }
        const key = recipient.email.toLowerCase();
        if (seen.has(key)) {
          errors.push(
            error(
              'Each email address in the personalization block should be unique between to, cc, and bcc. We found the ' +
                `first duplicate instance of [${recipient.email}] in the ${path}.${kind} field.`,
              path,
              'personalizations',
            ),
          );
        } else {
          seen.add(key);
        }
      });
    }
    if (personalization.subject !== undefined && !nonEmptyString(personalization.subject)) {
      errors.push(
        error('The subject of your email must be a string at least one character in length.', `${path}.subject`, 'personalizations.subject'),
      );
    }
  });
  if (recipients > MAX_RECIPIENTS) {
    errors.push(error(`There is a limit of ${MAX_RECIPIENTS} total recipients (to + cc + bcc) per request.`, 'personalizations', 'personalizations'));
  }
  return errors;
}

function checkTemplateId(templateId: unknown): SendGridError[] {
  if (templateId === undefined || nonEmptyString(templateId)) return [];
  return [error(`The template ID must be a string, you provided ${JSON.stringify(templateId)}.`, 'template_id', 'template_id')];
}

function checkSubject(body: Record<string, unknown>): SendGridError[] {
  if (body.subject !== undefined) {
    return nonEmptyString(body.subject)
      ? []
      : [error('The subject of your email must be a string at least one character in length.', 'subject', 'subject')];
  }
  // The sink cannot see a template's subject, so any template_id is taken to carry one.
  if (nonEmptyString(body.template_id)) return [];
  const personalizations = Array.isArray(body.personalizations) ? body.personalizations : [];
  const everyOneHasASubject =
    personalizations.length > 0 && personalizations.every((p: unknown) => isRecord(p) && p.subject !== undefined);
  if (everyOneHasASubject) return [];
  return [
    error(
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if ' +
        'every personalization has a subject defined.',
      'subject',
      'subject',
    ),
  ];
}

// text/plain, then text/html, then anything else (RFC 1341 7.2, as SendGrid enforces it).
function contentRank(type: string): number {
  const mime = type.toLowerCase();
  if (mime === 'text/plain') return 0;
  if (mime === 'text/html') return 1;
  return 2;
}

function checkContent(body: Record<string, unknown>): SendGridError[] {
  const { content } = body;
  if (content === undefined && nonEmptyString(body.template_id)) return [];
  if (!Array.isArray(content) || content.length === 0) {
    return [
      error(
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one ' +
          'defined content block. We typically suggest both text/plain and text/html blocks are included, but only ' +
          'one block is required.',
        'content',
        'content',
      ),
    ];
  }

  const errors: SendGridError[] = [];
  const ranks: number[] = [];
  content.forEach((block: unknown, i) => {
    const part = isRecord(block) ? block : {};
    if (!nonEmptyString(part.type)) {
      errors.push(error('A content type is required, this tells email clients how to display the email.', `content.${i}.type`, 'content.type'));
    } else if (/[;\r\n]/.test(part.type)) {
      errors.push(error("The content type cannot contain ';', or CRLF characters.", `content.${i}.type`, 'content.type'));
    } else {
      ranks.push(contentRank(part.type));
    }
    if (!nonEmptyString(part.value)) {
      errors.push(error('The content value must be a string at least one character in length.', `content.${i}.value`, 'content.value'));
    }
  });
  if (ranks.some((rank, i) => i > 0 && rank < (ranks[i - 1] ?? rank))) {
    errors.push(
      error(
        'Following RFC 1341, section 7.2, if either text/html or text/plain are to be sent in your email: text/plain ' +
          'needs to be first, followed by text/html, followed by any other content.',
        'content',
        'content.value',
      ),
    );
  }
  return errors;
}

function checkAttachments(attachments: unknown): SendGridError[] {
  if (attachments === undefined) return [];
  if (!Array.isArray(attachments)) {
    return [error('The attachments parameter must be an array of attachment objects.', 'attachments', 'attachments')];
  }
  const errors: SendGridError[] = [];
  attachments.forEach((attachment: unknown, i) => {
    const path = `attachments.${i}`;
    const item = isRecord(attachment) ? attachment : {};
    if (!nonEmptyString(item.content)) {
      errors.push(error('The attachment content must be a string at least one character in length.', `${path}.content`, 'attachments.content'));
    } else if (!BASE64.test(item.content)) {
      errors.push(error('The attachment content must be base64 encoded.', `${path}.content`, 'attachments.content'));
    }
    if (item.filename === undefined) {
      errors.push(error('filename is required.', `${path}.filename`, 'attachments.filename'));
    } else if (typeof item.filename !== 'string') {
      errors.push(error('The filename of your attachment must be a string.', `${path}.filename`, 'attachments.filename'));
    } else if (CRLF.test(item.filename)) {
      errors.push(error("The filename of your attachment can't contain CRLF characters.", `${path}.filename`, 'attachments.filename'));
    }
    if (item.type !== undefined && !nonEmptyString(item.type)) {
      errors.push(
        error("The attachment type must be a string at least one character in length and can't contain ';', or CRLF characters.", `${path}.type`, 'attachments.type'),
      );
    } else if (item.type !== undefined && !ATTACHMENT_TYPE.test(item.type)) {
      errors.push(error("The attachment type cannot contain ';', or CRLF characters.", `${path}.type`, 'attachments.type'));
    }
    if (item.disposition !== undefined && item.disposition !== 'inline' && item.disposition !== 'attachment') {
      errors.push(
        error(
          `The disposition of your attachment can be either "inline" or "attachment". You provided ${JSON.stringify(item.disposition)}.`,
          `${path}.disposition`,
          'attachments.disposition',
        ),
      );
    }
  });
  return errors;
}
