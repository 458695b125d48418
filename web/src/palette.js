// Colour slots --c0 … --c9 (styles.css): a component's slot is its place in the result's list, so
// the bar, the table and the chart agree and no two components of one result share a colour.
export const SLOTS = 10;

export function colorSlot(id, componentIds) {
  const index = componentIds.indexOf(id);
  return (index < 0 ? componentIds.length : index) % SLOTS;
}
