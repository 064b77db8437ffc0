/** A parsed XML element. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function decode(s: string, at: number): string {
  for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) {
    ENTITY.lastIndex = k;
    if (!ENTITY.test(s)) throw new Error(`bad entity near offset ${at + k}: ${s.slice(k, k + 10)}`);
  }
  return s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}

/**
 * A strict parser for the XML subset SVG files use (elements, attributes, text, comments, an XML declaration):
 * throws on anything not well-formed (unclosed or mismatched tags, duplicate or unquoted attributes, bad entities,
 * text outside the root). Enough for tests; not a general XML parser (no DTD, CDATA or processing instructions).
 */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
  const attr = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
  const close = new RegExp(`</(${NAME})\\s*>`, 'y');
  if (text.startsWith('<?xml')) i = text.indexOf('?>') + 2;
  while (i < text.length) {
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) throw new Error(`unclosed comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (text[i] === '<' && text[i + 1] === '/') {
      close.lastIndex = i;
      const m = close.exec(text);
      if (!m) throw new Error(`bad closing tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> at ${i} closes <${open?.name}>`);
      i = close.lastIndex;
      continue;
    }
    if (text[i] === '<') {
      tag.lastIndex = i;
      const m = tag.exec(text);
      if (!m) throw new Error(`bad tag at ${i}: ${text.slice(i, i + 40)}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2].matchAll(attr)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} at ${i}`);
        attrs[a[1]] = decode(a[2] ?? a[3], i);
      }
      const el: XmlElement = { name: m[1], attrs, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else if (root) throw new Error(`a second root element at ${i}`);
      else root = el;
      if (m[3] !== '/') stack.push(el);
      i = tag.lastIndex;
      continue;
    }
    const next = text.indexOf('<', i);
    const chunk = text.slice(i, next < 0 ? text.length : next);
    if (stack.length === 0) {
      if (chunk.trim() !== '') throw new Error(`text outside the root at ${i}`);
    } else stack[stack.length - 1].text += decode(chunk, i);
    i = next < 0 ? text.length : next;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
