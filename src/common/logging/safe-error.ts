/**
 * An error as a short text without personal data: its class and code, and a message with
 * anything that looks like an address, a URL or a long number taken out.
 */
export function safeErrorText(err: unknown): string {
  const e = err as { name?: string; code?: string | number; responseCode?: number; message?: string };
  const head = [e?.name ?? 'Error', e?.code, e?.responseCode].filter((x) => x !== undefined && x !== null && x !== '').join(' ');
  const message = String(e?.message ?? '')
    .replace(/[^\s@<>"']+@[^\s@<>"']+/g, '<address>')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\d{6,}/g, '<n>')
    .slice(0, 160);
  return `${head}: ${message}`.slice(0, 300);
}
