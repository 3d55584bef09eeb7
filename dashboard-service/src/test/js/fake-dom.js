// Just enough of a browser's document for the page's DOM builders to run in Node: elements, text nodes, attributes
// and children, and html(), which writes a node out as markup with text escaped as a browser would.
class FakeNode {
  constructor(type) {
    this.nodeType = type;
    this.childNodes = [];
    this.parentNode = null;
  }

  append(...nodes) {
    for (const n of nodes) {
      const node = n instanceof FakeNode ? n : new FakeText(String(n));
      if (node.parentNode) node.parentNode.childNodes.splice(node.parentNode.childNodes.indexOf(node), 1);
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }

  replaceChildren(...nodes) {
    this.childNodes.forEach((c) => { c.parentNode = null; });
    this.childNodes = [];
    this.append(...nodes);
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }
}
FakeNode.ELEMENT_NODE = 1;
FakeNode.TEXT_NODE = 3;

class FakeText extends FakeNode {
  constructor(text) {
    super(3);
    this.nodeValue = text;
  }

  get textContent() {
    return this.nodeValue;
  }
}

class FakeElement extends FakeNode {
  constructor(tag) {
    super(1);
    this.tagName = tag.toUpperCase();
    this.nodeName = this.tagName;
    this.attrs = new Map();
    this.dataset = {};
    this.listeners = [];
  }

  get className() {
    return this.getAttribute('class') || '';
  }

  set className(v) {
    this.setAttribute('class', v);
  }

  setAttribute(name, value) {
    this.attrs.set(name, String(value));
  }

  getAttribute(name) {
    return this.attrs.has(name) ? this.attrs.get(name) : null;
  }

  hasAttribute(name) {
    return this.attrs.has(name);
  }

  addEventListener(type, fn) {
    this.listeners.push(type);
  }

  get children() {
    return this.childNodes.filter((c) => c.nodeType === 1);
  }
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The node, or a list of them, as markup. */
export function html(node) {
  if (Array.isArray(node)) return node.map(html).join('');
  if (node.nodeType === 3) return escape(node.nodeValue);
  const attrs = [...node.attrs].map(([k, v]) => ` ${k}="${escape(v).replace(/"/g, '&quot;')}"`).join('');
  const tag = node.tagName.toLowerCase();
  return `<${tag}${attrs}>${node.childNodes.map(html).join('')}</${tag}>`;
}

/** Every element in the nodes and below them. */
export function elements(nodes) {
  const out = [];
  const walk = (n) => { if (n.nodeType === 1) out.push(n); n.childNodes.forEach(walk); };
  (Array.isArray(nodes) ? nodes : [nodes]).forEach(walk);
  return out;
}

globalThis.Node = FakeNode;
globalThis.document = {
  createElement: (tag) => new FakeElement(tag),
  createElementNS: (ns, tag) => new FakeElement(tag),
  createTextNode: (text) => new FakeText(String(text)),
};
