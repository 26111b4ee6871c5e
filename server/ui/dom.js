// DOM building without innerHTML: every string from the server ends up in a text node, so review
// text that contains HTML is shown as text and never parsed or executed.

// el('p', {class: 'x', 'aria-live': 'polite'}, 'text', childNode, ...). Attribute values false or
// null are left out; `on<event>` keys attach listeners; `style` takes an object of CSS properties,
// set through the CSSOM (the page's Content-Security-Policy forbids style attributes).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'style' && typeof value === 'object') {
      Object.assign(node.style, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces the children of `node`.
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

// Highlighted text as DOM: the server wraps matches in the marker characters \u0001 and \u0002
// (asked for as pre/post tags because they never appear in reviews); the text between them goes
// into text nodes, the matches into <mark>. Unbalanced markers are dropped.
export function highlighted(text) {
  const frag = document.createDocumentFragment();
  const parts = String(text).split(/(\u0001[^\u0001\u0002]*\u0002)/);
  for (const part of parts) {
    if (part.startsWith('\u0001') && part.endsWith('\u0002')) {
      frag.append(el('mark', {}, part.slice(1, -1)));
    } else if (part) {
      frag.append(document.createTextNode(part.replace(/[\u0001\u0002]/g, '')));
    }
  }
  return frag;
}
