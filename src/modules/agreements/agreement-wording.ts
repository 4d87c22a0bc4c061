/** The words of an agreement: what is sealed, as one envelope, in each revision. */
export interface AgreementWording {
  title: string;
  items: string[];
}

export const AGREEMENT_TITLE_MAX_LENGTH = 200;
export const AGREEMENT_MAX_ITEMS = 30;
export const AGREEMENT_ITEM_MAX_LENGTH = 500;

/** Associated data binding a revision's envelope to its agreement and revision number. */
export function wordingAad(agreementId: string, revision: number): string {
  return `agreement:${agreementId}:revision:${revision}`;
}

export function serializeWording(w: AgreementWording): string {
  return JSON.stringify({ title: w.title, items: w.items });
}

export function parseWording(json: string): AgreementWording {
  const parsed = JSON.parse(json) as AgreementWording;
  return { title: parsed.title, items: parsed.items };
}

/**
 * The wording after a revision: what is given replaces, what is not given stays. `changed` says
 * whether the words differ, i.e. whether this is a new revision the partners must acknowledge.
 */
export function revisedWording(current: AgreementWording, change: { title?: string; items?: string[] }): { wording: AgreementWording; changed: boolean } {
  const wording = { title: change.title ?? current.title, items: change.items ?? current.items };
  const changed = wording.title !== current.title || wording.items.length !== current.items.length || wording.items.some((item, i) => item !== current.items[i]);
  return { wording, changed };
}
