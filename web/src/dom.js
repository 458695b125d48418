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
