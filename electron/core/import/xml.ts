import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { TellframeError } from '../../../shared/errors';
import { MAX_XML_BYTES } from './types';

/**
 * The one place Tellframe reads and writes XML (CVAT, ELAN). Reading is
 * defensive because imported files are untrusted (DESIGN.md, security):
 * a size limit, any DOCTYPE or ENTITY declaration refused before parsing
 * (no entity expansion, no external DTD, no network), fast-xml-parser with
 * entity processing off, and only the five predefined entities and
 * character references decoded here, by hand. Writing goes through
 * XMLBuilder with escaping on, never string concatenation.
 */

const ATTR = '@_';
const TEXT = '#text';
const CDATA = '#cdata';

/** The line (1-based) of an offset in a text, for error messages. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decode the XML 1.0 predefined entities and character references (§4.1, §4.6); anything else is refused. */
function decode(raw: string, where: () => string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,32});?/g, (all, name: string) => {
    if (!all.endsWith(';')) throw new TellframeError('BAD_INPUT', `${where()}: a bare "&" (write &amp;).`);
    if (name in PREDEFINED) return PREDEFINED[name]!;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (m) {
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
      if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
    }
    throw new TellframeError('BAD_INPUT', `${where()}: the entity reference ${all} is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references).`);
  });
}

/** An element of a parsed document with the path that names it in error messages (XPath style, 1-based). */
export class XmlEl {
  constructor(
    readonly source: string,
    readonly path: string,
    private readonly node: unknown,
  ) {}

  /** A BAD_INPUT error naming the file, this element and the problem. */
  fail(message: string): never {
    throw new TellframeError('BAD_INPUT', `${this.source}: ${this.path}: ${message}.`);
  }

  private obj(): Record<string, unknown> | null {
    return typeof this.node === 'object' && this.node !== null && !Array.isArray(this.node) ? (this.node as Record<string, unknown>) : null;
  }

  /** Child elements named `tag`, in document order among themselves. */
  all(tag: string): XmlEl[] {
    const o = this.obj();
    if (!o || !Object.hasOwn(o, tag)) return [];
    const v = o[tag];
    const list = Array.isArray(v) ? v : [v];
    return list.map((n, i) => new XmlEl(this.source, `${this.path}/${tag}[${i + 1}]`, n));
  }

  /** The first child named `tag`, or null. */
  one(tag: string): XmlEl | null {
    const [first] = this.all(tag);
    return first ? new XmlEl(this.source, `${this.path}/${tag}`, first.node) : null;
  }

  need(tag: string): XmlEl {
    return this.one(tag) ?? this.fail(`the element <${tag}> is missing`);
  }

  /** The same element under another name in messages (e.g. `box[frame=12]`). */
  as(path: string): XmlEl {
    return new XmlEl(this.source, path, this.node);
  }

  /** An attribute's decoded value, or undefined when absent. */
  attr(name: string): string | undefined {
    const o = this.obj();
    const key = ATTR + name;
    if (!o || !Object.hasOwn(o, key)) return undefined;
    return decode(String(o[key]), () => `${this.source}: ${this.path}/@${name}`);
  }

  needAttr(name: string): string {
    const v = this.attr(name);
    if (v === undefined) this.fail(`the attribute ${name} is missing`);
    return v;
  }

  /** The element's decoded text (CDATA sections appended). */
  text(): string {
    if (typeof this.node === 'string' || typeof this.node === 'number' || typeof this.node === 'boolean') {
      return decode(String(this.node), () => `${this.source}: ${this.path}`);
    }
    const o = this.obj();
    if (!o) return '';
    const t = Object.hasOwn(o, TEXT) ? decode(String(o[TEXT]), () => `${this.source}: ${this.path}`) : '';
    const c = Object.hasOwn(o, CDATA) ? (Array.isArray(o[CDATA]) ? (o[CDATA] as unknown[]).join('') : String(o[CDATA])) : '';
    return t + c;
  }

  /** The trimmed text of a child element, or undefined when there is none. */
  childText(tag: string): string | undefined {
    const c = this.one(tag);
    return c ? c.text().trim() : undefined;
  }
}

/**
 * Parse untrusted XML text into its root element. Throws BAD_INPUT naming
 * the file and the line for size, DOCTYPE/ENTITY declarations and
 * malformed XML; `root` is the element name the format requires.
 */
export function parseXml(text: string, source: string, root: string): XmlEl {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_XML_BYTES) throw new TellframeError('BAD_INPUT', `${source}: ${bytes} bytes; XML imports are limited to ${MAX_XML_BYTES} bytes.`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const decl = /<!\s*(DOCTYPE|ENTITY)/i.exec(body);
  if (decl) {
    throw new TellframeError('BAD_INPUT', `${source}: line ${lineOf(body, decl.index)}: <!${decl[1]!.toUpperCase()}> declarations are refused (no DTDs or entities in imported XML).`);
  }
  // Undeclared entities make XML ill-formed (§4.1, WFC: Entity Declared); with no DTD only the five predefined ones and
  // character references exist. CDATA sections and comments are blanked first, since `&` is literal there.
  const masked = body.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '));
  const ref = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)[^;\s<]{0,32};?/.exec(masked);
  if (ref) {
    throw new TellframeError('BAD_INPUT', `${source}: line ${lineOf(masked, ref.index)}: the entity reference ${ref[0]} is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references).`);
  }
  const valid = XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new TellframeError('BAD_INPUT', `${source}: line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    textNodeName: TEXT,
    cdataPropName: CDATA,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc = parser.parse(body) as Record<string, unknown>;
  if (!Object.hasOwn(doc, root)) {
    const found = Object.keys(doc).find((k) => !k.startsWith('?') && k !== TEXT);
    throw new TellframeError('BAD_INPUT', `${source}: the root element is <${found ?? 'none'}>, expected <${root}>.`);
  }
  const r = doc[root];
  if (Array.isArray(r)) throw new TellframeError('BAD_INPUT', `${source}: more than one <${root}> root element.`);
  return new XmlEl(source, root, r);
}

/** Characters XML 1.0 cannot carry even escaped (§2.2): replaced so the file stays well-formed. */
export function xmlSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Attribute values: XML parsers normalise tabs and newlines in attributes to spaces (§3.3.3), so write spaces. */
export function attrSafe(s: string): string {
  return xmlSafe(s).replace(/[\t\r\n]/g, ' ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
/**
 * The five predefined entities, as XMLBuilder's own processEntities writes
 * them, in one pass (and none for the numbers that make up most of a CVAT
 * track): the builder's five regular-expression passes per value were a
 * quarter of a big CVAT export's time.
 */
export function escapeXml(value: string): string {
  return /[&<>'"]/.test(value) ? value.replace(/[&<>'"]/g, (c) => ESCAPES[c]!) : value;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Otherwise an attribute whose value is "true" is written bare (`TIME_ALIGNABLE`), which is not XML.
  suppressBooleanAttributes: false,
  // Every text and attribute value is escaped by escapeXml through these hooks (the builder adds nothing when processEntities is off).
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => (typeof value === 'string' ? escapeXml(value) : value),
  attributeValueProcessor: (_name: string, value: unknown) => (typeof value === 'string' ? escapeXml(value) : value),
});

/**
 * Serialise a document built as plain objects (`@_name` for attributes,
 * `#text` for text, arrays for repeated elements) with an XML declaration.
 * Escaping is XMLBuilder's; callers pass strings through xmlSafe/attrSafe.
 */
export function buildXml(rootName: string, root: Record<string, unknown>): string {
  return builder.build({ '?xml': { [`${ATTR}version`]: '1.0', [`${ATTR}encoding`]: 'UTF-8' }, [rootName]: root }) as string;
}
