// A guest's side of their manage link (functions/booking/manage.ts), as the page and a program use it.
import { services } from '../../functions/services';
import type { Slot } from '../../shared/store/slots';

/** The manage link in a mail's text or an event's description. */
export function manageLinkIn(text: string | undefined): string {
  const link = /https?:\/\/\S+\/booking\/manage\?token=[A-Za-z0-9._%-]+/.exec(text ?? '')?.[0];
  if (!link) throw new Error(`no manage link in:\n${text}`);
  return link;
}

export function manageTokenOf(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

export function openManagePage(link: string, accept = 'text/html'): Promise<Response> {
  return fetch(link, { headers: { accept } });
}

type ManageAction = { action: 'cancel' } | { action: 'reschedule'; start: string };

/** POST /booking/manage as JSON (a program) or as the page's plain form. */
export function manageAct(functionsUrl: string, token: string, body: ManageAction, as: 'json' | 'form' = 'json'): Promise<Response> {
  const fields = { token, ...body };
  return fetch(`${functionsUrl}/booking/manage`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', accept: as === 'json' ? 'application/json' : 'text/html' },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
}

/** The manage link the system would give this slot now (the one in its newest mail or event). */
export async function currentManageLink(slotId: string): Promise<string> {
  const s = services();
  const slot = await s.slots.require(slotId);
  return s.manageLinks.urlFor(slotId, slot);
}

/** The slot's claim cells as Firestore has them: the ids it holds, and every cell naming it. */
export async function claimsOf(slotId: string): Promise<{ held: string[]; naming: string[] }> {
  const s = services();
  const slot: Slot = await s.slots.require(slotId);
  const naming = await s.db.collection('slotClaims').where('slotId', '==', slotId).get();
  return { held: [...slot.claimIds].sort(), naming: naming.docs.map((d) => d.id).sort() };
}

/** Sets schedule fields of a host directly (tests only: the settings page is another helper's). */
export async function setSchedule(hostId: string, fields: Record<string, unknown>): Promise<void> {
  const update = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`schedule.${k}`, v]));
  await services().db.collection('subscribers').doc(hostId).update(update);
}
