// The message view: header, tabs (HTML, Text, Headers, Raw, Attachments) and its actions.

import { api } from './api.js';
import { address, addresses, el, size } from './format.js';
import { frameDocument, FRAME_SANDBOX } from './html-frame.js';

export class MessageView {
  /** @param {{ onChanged: () => void, onClosed: () => void, onError: (e: Error) => void }} events */
  constructor(events) {
    this.events = events;
    this.pane = document.getElementById('message-pane');
    this.header = document.getElementById('message-header');
    this.panel = document.getElementById('tab-panel');
    this.tabs = [...document.querySelectorAll('#message-pane [role=tab]')];
    this.toggleRead = document.getElementById('toggle-read');
    this.message = null;
    this.read = true;
    this.allowRemote = false;
    this.tab = 'html';

    for (const tab of this.tabs) tab.addEventListener('click', () => this.show(tab.dataset.tab));
    document.getElementById('back').addEventListener('click', () => this.close());
    document.getElementById('delete-message').addEventListener('click', () => this.guard(async () => {
      const id = this.message.ID;
      this.close();
      await api.remove([id]);
      this.events.onChanged();
    }));
    this.toggleRead.addEventListener('click', () => this.guard(async () => {
      await api.setRead([this.message.ID], !this.read);
      this.read = !this.read;
      this.renderReadButton();
      this.events.onChanged();
    }));
  }

  get openId() {
    return this.message ? this.message.ID : null;
  }

  async open(id) {
    const message = await api.message(id);
    this.message = message;
    this.read = true;
    this.allowRemote = false;
    this.cache = {};
    this.renderHeader();
    this.renderReadButton();
    document.getElementById('attachment-count').textContent =
      message.Attachments.length + message.Inline.length ? `(${message.Attachments.length + message.Inline.length})` : '';
    this.pane.hidden = false;
    document.body.classList.add('viewing');
    await this.show(message.HTML ? 'html' : 'text');
  }

  close() {
    this.message = null;
    this.pane.hidden = true;
    this.panel.replaceChildren();
    document.body.classList.remove('viewing');
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    this.events.onClosed();
  }

  /** Shows a tab; the headers and raw source are fetched the first time they are asked for. */
  async show(tab) {
    this.tab = tab;
    for (const button of this.tabs) button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    const message = this.message;
    const render = {
      html: () => this.renderHtml(),
      text: () => message.Text
        ? el('pre', { className: 'text-body' }, message.Text)
        : el('p', { className: 'empty' }, 'This message has no text part.'),
      headers: async () => this.renderHeaders(this.cache.headers ??= await api.headers(message.ID)),
      raw: async () => el('div', { className: 'raw' },
        el('a', { href: `/api/v1/message/${encodeURIComponent(message.ID)}/raw`, download: `${message.ID}.eml` }, 'Download .eml'),
        el('pre', { className: 'raw-source' }, this.cache.raw ??= await api.raw(message.ID))),
      attachments: () => this.renderAttachments(),
    }[tab];
    const content = await render();
    if (this.message === message && this.tab === tab) this.panel.replaceChildren(content);
  }

  renderHeader() {
    const m = this.message;
    const row = (label, value) => value ? [el('dt', {}, label), el('dd', {}, value)] : [];
    this.header.replaceChildren(
      el('h2', { className: 'subject' }, m.Subject || '(no subject)'),
      el('dl', {},
        row('From', address(m.From)),
        row('To', addresses(m.To)),
        row('Cc', addresses(m.Cc)),
        row('Bcc', addresses(m.Bcc)),
        row('Reply-To', addresses(m.ReplyTo)),
        row('Date', new Date(m.Date).toLocaleString()),
        row('Size', size(m.Size)),
        row('Tags', (m.Tags || []).join(', '))));
  }

  renderReadButton() {
    this.toggleRead.textContent = this.read ? 'Mark unread' : 'Mark read';
  }

  renderHtml() {
    const m = this.message;
    if (!m.HTML) return el('p', { className: 'empty' }, 'This message has no HTML part.');
    const parts = new Map([...m.Inline, ...m.Attachments].filter(p => p.ContentID).map(p => [p.ContentID, p.PartID]));
    const { srcdoc, blocked } = frameDocument(m.HTML, {
      origin: location.origin,
      allowRemote: this.allowRemote,
      partUrlFor: contentId => parts.has(contentId) ? new URL(api.partUrl(m.ID, parts.get(contentId)), location.origin).href : null,
    });
    const frame = el('iframe', { className: 'html-body', title: 'Message HTML', srcdoc, referrerPolicy: 'no-referrer' });
    frame.setAttribute('sandbox', FRAME_SANDBOX);
    const notice = blocked > 0
      ? el('p', { className: 'remote-notice' }, `${blocked} remote resource${blocked === 1 ? '' : 's'} blocked. `,
        el('button', { type: 'button', onclick: () => { this.allowRemote = true; this.show('html'); } }, 'Load remote content'))
      : null;
    return el('div', { className: 'html-view' }, notice, frame);
  }

  renderHeaders(headers) {
    return el('table', { className: 'headers' },
      el('tbody', {}, Object.entries(headers).flatMap(([name, values]) =>
        values.map(value => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, value))))));
  }

  renderAttachments() {
    const m = this.message;
    const parts = [...m.Attachments.map(p => ({ ...p, inline: false })), ...m.Inline.map(p => ({ ...p, inline: true }))];
    if (parts.length === 0) return el('p', { className: 'empty' }, 'No attachments.');
    return el('ul', { className: 'attachments' }, parts.map(part => {
      const url = api.partUrl(m.ID, part.PartID);
      const name = part.FileName || `part-${part.PartID}`;
      return el('li', {},
        part.ContentType.startsWith('image/') ? el('img', { src: url, alt: name, className: 'thumb', loading: 'lazy' }) : null,
        el('a', { href: url, download: name, className: 'download' }, name),
        el('span', { className: 'part-meta' }, `${part.ContentType} · ${size(part.Size)}${part.inline ? ' · inline' : ''}`));
    }));
  }

  async guard(action) {
    try {
      await action();
    } catch (error) {
      this.events.onError(error);
    }
  }
}
