// Small pure helpers for showing message data.

export function address(a) {
  if (!a || !a.Address) return a && a.Name ? a.Name : '';
  return a.Name ? `${a.Name} <${a.Address}>` : a.Address;
}

export function shortAddress(a) {
  return a ? (a.Name || a.Address || '') : '';
}

export function addresses(list) {
  return (list || []).map(address).join(', ');
}

export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Today: the time; otherwise the date. The full timestamp goes in a title. */
export function when(iso) {
  const date = new Date(iso);
  const now = new Date();
  return date.toDateString() === now.toDateString()
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' });
}

/** document.createElement with properties, attributes (data-*, aria-*) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}
