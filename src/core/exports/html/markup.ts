// HTML built from template literals with one rule the types enforce: a value
// put into html`...` is escaped unless it is Markup made here. The reports are
// three small static pages; a template engine would add a dependency without
// adding safety, and this way no file name or tag can reach a page as markup.

/** Text that is already HTML (built by `html`); everything else gets escaped. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The characters that end text or a quoted attribute, in HTML and in SVG inside HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: Value): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** html`<td>${name}</td>`: strings and numbers escaped, Markup kept, arrays joined, null / undefined / false left out. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let text = strings[0]!;
  values.forEach((v, i) => (text += render(v) + strings[i + 1]!));
  return new Markup(text);
}

/** A coordinate with at most one decimal: enough for a screen, and the page stays small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Scores as the `hear score` table shows them. */
export function score2(value: number): string {
  return value.toFixed(2);
}
