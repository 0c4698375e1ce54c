/** Confluence storage-format pieces every app comment is written with (pure: no I/O). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** An @mention of the account, which Confluence renders as the person's name. */
export function mention(accountId: string): string {
  return `<ac:link><ri:user ri:account-id="${escapeXml(accountId)}"/></ac:link>`;
}
