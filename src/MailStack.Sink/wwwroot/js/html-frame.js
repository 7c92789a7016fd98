// Turns a message's HTML into the document of a sandboxed frame.
//
// Three layers keep a message's HTML inert: the frame's sandbox has no allow-scripts; the frame's
// own Content-Security-Policy forbids scripts and, until the user asks, anything not from the sink;
// and scripts, event handlers and javascript: URLs are removed here, so there is nothing left for
// the browser to block (and log). Remote references are parked in data-mailstack-* attributes
// until "Load remote content" is clicked, so a blocked message makes no requests at all.

const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster'];
const REMOVED = 'script, object, embed, applet, iframe, frame, frameset, base, meta[http-equiv], link:not([rel~="stylesheet"])';

function isJavascriptUrl(value) {
  // Browsers ignore control characters and spaces inside the scheme.
  return /^javascript:/i.test(value.replace(/[\u0000-\u0020]/g, ''));
}

/**
 * Renames on*= attributes before parsing: Chrome checks (and logs) the page's policy against an
 * inline handler as soon as a parsed element gets one, even in an inert DOMParser document.
 * The DOM pass below removes whatever this textual pass misses.
 */
function renameHandlers(html) {
  const handler = /(<[a-zA-Z][^>]*?[\s/"'])on([a-zA-Z-]+\s*=)/g;
  let previous;
  do {
    previous = html;
    html = html.replace(handler, '$1data-mailstack-on$2');
  } while (html !== previous);
  return html;
}

function framePolicy(origin, allowRemote) {
  const remote = allowRemote ? ' http: https:' : '';
  return `default-src 'none'; img-src data: ${origin}${remote}; style-src 'unsafe-inline'${remote}; font-src data:${remote}; `
    + `media-src data: ${origin}${remote}; form-action 'none'`;
}

/**
 * @param {string} html the message's HTML body
 * @param {{ partUrlFor: (contentId: string) => string | null, origin: string, allowRemote: boolean }} options
 * @returns {{ srcdoc: string, blocked: number }}
 */
export function frameDocument(html, { partUrlFor, origin, allowRemote }) {
  const doc = new DOMParser().parseFromString(renameHandlers(html), 'text/html');
  doc.querySelectorAll(REMOVED).forEach(node => node.remove());

  let blocked = 0;
  for (const node of doc.querySelectorAll('*')) {
    for (const attribute of [...node.attributes]) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on') || name.startsWith('data-mailstack-on') || ((name === 'href' || name === 'action' || name === 'formaction' || name === 'xlink:href') && isJavascriptUrl(attribute.value))) {
        node.removeAttribute(attribute.name);
      }
    }

    const urlAttributes = node.localName === 'link' ? ['href'] : URL_ATTRIBUTES;
    for (const name of urlAttributes) {
      const value = node.getAttribute(name);
      if (value === null) continue;
      const trimmed = value.trim();
      if (/^cid:/i.test(trimmed)) {
        const url = partUrlFor(decodeURIComponent(trimmed.slice(4)));
        if (url) node.setAttribute(name, url); else node.removeAttribute(name);
      } else if (/^data:/i.test(trimmed)) {
        // Inline data is part of the message itself.
      } else if (isJavascriptUrl(trimmed)) {
        node.removeAttribute(name);
      } else if (!allowRemote || !/^(https?:)?\/\//i.test(trimmed)) {
        // Remote (or relative, which would resolve against the sink): parked until asked for.
        node.setAttribute(`data-mailstack-${name}`, value);
        node.removeAttribute(name);
        if (!allowRemote) blocked++;
      }
    }
  }

  const head = doc.head;
  const policy = doc.createElement('meta');
  policy.httpEquiv = 'Content-Security-Policy';
  policy.content = framePolicy(origin, allowRemote);
  const base = doc.createElement('base');
  base.target = '_blank';
  head.prepend(policy, base);
  if (!doc.querySelector('meta[charset]')) {
    const charset = doc.createElement('meta');
    charset.setAttribute('charset', 'utf-8');
    head.prepend(charset);
  }

  return { srcdoc: `<!doctype html>\n${doc.documentElement.outerHTML}`, blocked };
}

/** The frame's sandbox: no allow-scripts, no allow-same-origin; links may open a new tab. */
export const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
