// el('li', { className, dataset, aria: { hidden: 'true' } }, children): a small element builder.
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  const { dataset, aria, ...rest } = props;
  Object.assign(node, rest);
  if (dataset) Object.assign(node.dataset, dataset);
  for (const [name, value] of Object.entries(aria ?? {})) node.setAttribute(`aria-${name}`, value);
  node.append(...children);
  return node;
}

// Updates that touch the DOM only where something changed: an update on every key press then
// costs a few text writes, not a rebuilt table.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
export function setAttr(node, name, value) {
  if (value == null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}
// A style property, written only when its text changes (each write is a style invalidation).
export function setStyle(node, property, value) {
  if (node.memcalcStyle?.[property] === value) return;
  (node.memcalcStyle ??= {})[property] = value;
  node.style[property] = value;
}
export function setData(node, key, value) {
  if (value == null) delete node.dataset[key];
  else if (node.dataset[key] !== value) node.dataset[key] = value;
}

/**
 * Keeps `parent`'s children as one node per item, in the items' order, keyed by `key(item)`:
 * made by `create(item)` the first time, then handed to `update(node, item)` each time; nodes whose
 * key is gone are removed. `cache` (a Map) remembers the nodes between calls.
 */
export function keyed(parent, cache, items, key, create, update) {
  const seen = new Set();
  let at = parent.firstChild;
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    let node = cache.get(k);
    if (!node) {
      node = create(item);
      cache.set(k, node);
    }
    update(node, item);
    if (node !== at) parent.insertBefore(node, at);
    else at = at.nextSibling;
  }
  for (const [k, node] of cache) {
    if (seen.has(k)) continue;
    node.remove();
    cache.delete(k);
  }
}
