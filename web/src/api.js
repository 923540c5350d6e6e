// The daemon's HTTP API: the token from the page URL goes as a Bearer header
// on fetch and as ?token= on the EventSource URL; without one, none is sent.

const params = new URLSearchParams(window.location.search);
const token = params.get('token') || '';

/** The URL of an API endpoint, relative to the page (the page is served at /). */
export function apiURL(path, withToken = false) {
  const u = new URL(`api/${path}`, document.baseURI);
  if (withToken && token) u.searchParams.set('token', token);
  return u.toString();
}

/** An API error with the HTTP status and the server's message. */
export class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('Accept', 'application/json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const res = await fetch(apiURL(path), { ...init, headers, cache: 'no-store' });
  let body = null;
  const text = await res.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    const msg = (body && body.error) || text.trim() || res.statusText || `HTTP ${res.status}`;
    throw new APIError(res.status, msg);
  }
  return body;
}

/** GET an API endpoint, returning its JSON. */
export function getJSON(path) {
  return request(path);
}

/** POST an acknowledgement {id, rev, by}. */
export function postAck(id, rev, by) {
  return request('acks', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id, rev, by }),
  });
}

/**
 * Opens the event stream and keeps it open: EventSource reconnects by itself
 * after a dropped connection; when it gives up (an HTTP error), a new one is
 * opened after a pause. handlers: tracks(fc), alert(a), state(s) with s one of
 * "connecting", "live", "reconnecting", "offline", and reconnected() after
 * every reconnection (to refetch what may have been missed).
 */
export function openStream(handlers) {
  let es = null;
  let lost = false;
  let retry = 0;
  const connect = () => {
    handlers.state(lost ? 'reconnecting' : 'connecting');
    es = new EventSource(apiURL('stream', true));
    es.addEventListener('open', () => {
      retry = 0;
      handlers.state('live');
      if (lost) {
        lost = false;
        handlers.reconnected();
      }
    });
    es.addEventListener('error', () => {
      lost = true;
      if (es.readyState === EventSource.CLOSED) {
        handlers.state('offline');
        es.close();
        retry = Math.min(retry + 1, 6);
        setTimeout(connect, 1000 * 2 ** Math.min(retry, 4));
      } else {
        handlers.state('reconnecting');
      }
    });
    es.addEventListener('tracks', (e) => {
      try {
        handlers.tracks(JSON.parse(e.data));
      } catch (err) {
        console.warn('vigia: bad tracks event', err);
      }
    });
    es.addEventListener('alert', (e) => {
      try {
        handlers.alert(JSON.parse(e.data));
      } catch (err) {
        console.warn('vigia: bad alert event', err);
      }
    });
  };
  connect();
  return () => es && es.close();
}
