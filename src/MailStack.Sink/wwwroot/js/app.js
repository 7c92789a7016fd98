// The sink's web UI: message list, mailboxes, message view, chaos settings; live through /api/v1/events.

import { api } from './api.js';
import { ChaosPanel } from './chaos.js';
import { addresses, el, shortAddress, size, when } from './format.js';
import { MessageView } from './message.js';

const PAGE_SIZE = 50;

const state = { query: '', start: 0, total: 0, matching: 0 };
const $ = id => document.getElementById(id);
const list = $('messages');
const search = $('search');

const view = new MessageView({
  onChanged: () => refresh(),
  onClosed: () => markSelected(null),
  onError: showError,
});
const chaos = new ChaosPanel(showError);

function showError(error) {
  const box = $('list-error');
  box.textContent = error.message;
  box.hidden = false;
}

function clearError() {
  $('list-error').hidden = true;
}

function row(m) {
  const attachments = m.Attachments > 0
    ? el('span', { className: 'attachment', title: `${m.Attachments} attachment${m.Attachments === 1 ? '' : 's'}`, role: 'img', 'aria-label': 'has attachments' })
    : null;
  const link = el('a', { href: `#${encodeURIComponent(m.ID)}`, className: 'row' },
    el('span', { className: 'unread-dot', title: m.Read ? '' : 'unread', 'aria-label': m.Read ? null : 'unread' }),
    el('span', { className: 'from', title: m.From ? m.From.Address : '' }, shortAddress(m.From) || '(no sender)'),
    el('span', { className: 'to' }, `to ${addresses(m.To) || '(no recipients)'}`),
    el('span', { className: 'subject' }, m.Subject || '(no subject)'),
    el('span', { className: 'snippet' }, m.Snippet || ''),
    el('span', { className: 'meta' }, attachments,
      el('span', { className: 'size' }, size(m.Size)),
      el('time', { dateTime: m.Created, title: new Date(m.Created).toLocaleString() }, when(m.Created))));
  return el('li', { className: m.Read ? 'message' : 'message unread', 'data-id': m.ID }, link);
}

function markSelected(id) {
  for (const item of list.children) item.classList.toggle('selected', item.dataset.id === id);
}

async function loadList() {
  const page = await api.list(state.query, state.start, PAGE_SIZE);
  // Deletions can leave the page past the end: step back to the last page that has messages.
  if (page.messages.length === 0 && state.start > 0 && page.messages_count > 0) {
    state.start = Math.max(0, Math.floor((page.messages_count - 1) / PAGE_SIZE) * PAGE_SIZE);
    return loadList();
  }
  state.total = page.total;
  state.matching = page.messages_count;
  list.replaceChildren(...page.messages.map(row));
  // The page's own clock for "first list on screen" (bench/ui reads it): the frame that paints these rows.
  if (!performance.getEntriesByName('list-rendered').length) requestAnimationFrame(() => performance.mark('list-rendered'));
  if (page.messages.length === 0) {
    list.append(el('li', { className: 'empty' }, state.query ? 'No message matches this search.' : 'No messages yet. Send mail to this sink over SMTP.'));
  }
  markSelected(view.openId);
  const first = page.messages.length ? state.start + 1 : 0;
  const last = state.start + page.messages.length;
  $('page-info').textContent = `${first}–${last} of ${page.messages_count}`;
  $('list-summary').textContent = state.query
    ? `${page.messages_count} matching · ${page.messages_unread} unread`
    : `${page.total} message${page.total === 1 ? '' : 's'} · ${page.unread} unread`;
  $('newer').disabled = state.start === 0;
  $('older').disabled = last >= page.messages_count;
  $('delete-matching').hidden = !state.query;
  document.title = page.unread ? `(${page.unread}) MailStack Sink` : 'MailStack Sink';
}

async function loadMailboxes() {
  const mailboxes = await api.mailboxes();
  const item = (label, query, total, unread, title) => el('li', {},
    el('button', {
      type: 'button',
      className: state.query === query ? 'mailbox active' : 'mailbox',
      title,
      'aria-pressed': String(state.query === query),
      onclick: () => setQuery(query),
    },
    el('span', { className: 'address' }, label),
    el('span', { className: 'count', title: `${unread} unread of ${total}` }, unread ? `${unread}/${total}` : String(total))));
  $('mailboxes').replaceChildren(
    item('All mail', '', state.total, null, 'Every message in this sink'),
    ...mailboxes.map(m => item(m.Address, `mailbox:${m.Address}`, m.Total, m.Unread, `Mail delivered to ${m.Address}`)));
}

let refreshing = null;
let again = false;

/** Reloads the list and the mailboxes; calls made while one runs collapse into one more run. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      do {
        again = false;
        await loadList();
        await loadMailboxes();
        clearError();
      } while (again);
    } catch (error) {
      showError(error);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function setQuery(query) {
  state.query = query.trim();
  state.start = 0;
  search.value = state.query;
  const url = new URL(location.href);
  if (state.query) url.searchParams.set('query', state.query); else url.searchParams.delete('query');
  history.replaceState(null, '', url);
  document.body.classList.remove('sidebar-open');
  return refresh();
}

async function openFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) {
    if (view.openId) view.close();
    return;
  }
  try {
    await view.open(id);
    markSelected(id);
    const item = [...list.children].find(li => li.dataset.id === id);
    if (item) item.classList.remove('unread');
    loadMailboxes().catch(showError);
  } catch (error) {
    showError(error);
  }
}

function listen() {
  const live = $('live');
  const events = new EventSource('/api/v1/events');
  let wasDown = false;
  events.onopen = () => {
    live.dataset.state = 'on';
    live.title = 'Live: new mail appears as it arrives';
    if (wasDown) refresh();
    wasDown = false;
  };
  events.onerror = () => {
    live.dataset.state = 'off';
    live.title = 'Live updates interrupted; reconnecting';
    wasDown = true;
  };
  events.addEventListener('new', () => refresh());
  events.addEventListener('delete', event => {
    const ids = JSON.parse(event.data).Data.IDs || [];
    if (view.openId && ids.includes(view.openId)) view.close();
    refresh();
  });
}

$('search-form').addEventListener('submit', event => {
  event.preventDefault();
  setQuery(search.value);
});
$('newer').addEventListener('click', () => { state.start = Math.max(0, state.start - PAGE_SIZE); refresh(); });
$('older').addEventListener('click', () => { state.start += PAGE_SIZE; refresh(); });
$('mark-all-read').addEventListener('click', () => api.markAllRead().then(refresh, showError));
$('delete-all').addEventListener('click', () => {
  if (confirm('Delete every message in this sink?')) api.removeAll().then(refresh, showError);
});
$('delete-matching').addEventListener('click', () => {
  if (confirm(`Delete every message matching "${state.query}"?`)) api.removeMatching(state.query).then(refresh, showError);
});
$('menu-toggle').addEventListener('click', () => {
  const open = document.body.classList.toggle('sidebar-open');
  $('menu-toggle').setAttribute('aria-expanded', String(open));
});
window.addEventListener('hashchange', openFromHash);
window.addEventListener('focus', () => chaos.refresh());

state.query = new URL(location.href).searchParams.get('query') || '';
search.value = state.query;
listen();
chaos.refresh();
await refresh();
if (location.hash) await openFromHash();
document.body.dataset.ready = 'true';
