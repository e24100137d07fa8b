/**
 * HTML with escaping by default: every value interpolated into an `html` template is escaped
 * (text and attribute context alike: & < > " ' ` =), unless it is itself the result of `html` or
 * explicitly wrapped in `raw` (for our own constant markup only). Arrays are joined. A DNS name
 * can contain `<script>`; nothing that came from the network may reach a page unescaped.
 */

/** Markup that is already safe (produced by `html`, or trusted constant markup via `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** Escapes text for HTML text and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c] as string);
}

/** Interpolated value types: safe markup, text (escaped), numbers, nothing, or lists of those. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${device.name}</td>\`` escapes `device.name`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted constant markup (never network or user data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
