// The sink's own HTTP API (Mailpit v1 plus extensions), as the UI uses it.

export class ApiError extends Error {}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let message = `${method} ${path}: ${response.status}`;
    try {
      const error = await response.json();
      if (error && error.Error) message = error.Error;
    } catch { /* not JSON: keep the status line */ }
    throw new ApiError(message);
  }
  return response;
}

const json = async (method, path, body) => (await call(method, path, body)).json();
const q = encodeURIComponent;

export const api = {
  /** A page of summaries, newest first; a query goes through /search. */
  list: (query, start, limit) => query
    ? json('GET', `/api/v1/search?query=${q(query)}&start=${start}&limit=${limit}`)
    : json('GET', `/api/v1/messages?start=${start}&limit=${limit}`),
  mailboxes: () => json('GET', '/api/v1/mailboxes'),
  /** Opening a message marks it read, as in Mailpit. */
  message: id => json('GET', `/api/v1/message/${q(id)}`),
  headers: id => json('GET', `/api/v1/message/${q(id)}/headers`),
  raw: async id => (await call('GET', `/api/v1/message/${q(id)}/raw`)).text(),
  partUrl: (id, partId) => `/api/v1/message/${q(id)}/part/${q(partId)}`,
  setRead: (ids, read) => call('PUT', '/api/v1/messages', { IDs: ids, Read: read }),
  markAllRead: () => call('PUT', '/api/v1/messages', { IDs: [], Read: true }),
  remove: ids => call('DELETE', '/api/v1/messages', { IDs: ids }),
  removeAll: () => call('DELETE', '/api/v1/messages'),
  removeMatching: query => call('DELETE', `/api/v1/search?query=${q(query)}`),
  chaos: () => json('GET', '/api/v1/chaos'),
  setChaos: settings => json('PUT', '/api/v1/chaos', settings),
};
