// The alert store (latest revision of each alert) and the alert panel.
import { hms, dateHms, ruleText, zoneText, identityText, kn, deg } from './format.js';

const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 };
const MAX_SHOWN = 500;

/** Keeps the latest revision of every alert, deduplicating on (id, rev). */
export class AlertStore {
  constructor() {
    this.byId = new Map();
  }

  /** Adds one alert revision; returns true when it changed the store. */
  put(a) {
    if (!a || !a.id) return false;
    const old = this.byId.get(a.id);
    if (old && (Number(old.rev) || 0) > (Number(a.rev) || 0)) return false;
    if (old && old.rev === a.rev && JSON.stringify(old.acks || []) === JSON.stringify(a.acks || []) && old.state === a.state) return false;
    this.byId.set(a.id, a);
    return true;
  }

  /** Merges a full list (GET /api/alerts). */
  putAll(list) {
    let changed = false;
    for (const a of Array.isArray(list) ? list : []) changed = this.put(a) || changed;
    return changed;
  }

  get(id) {
    return this.byId.get(id);
  }

  /** Alerts, newest first. */
  list() {
    return [...this.byId.values()].sort((a, b) => {
      if (a.time !== b.time) return String(b.time || '').localeCompare(String(a.time || ''));
      const s = (SEVERITY_RANK[b.severity] || 0) - (SEVERITY_RANK[a.severity] || 0);
      return s || String(a.id).localeCompare(String(b.id));
    });
  }

  /** Agencies seen in any alert. */
  agencies() {
    const s = new Set();
    for (const a of this.byId.values()) for (const ag of a.agencies || []) s.add(ag);
    return s;
  }
}

/** Whether agency (or, for an admin, anyone) has acknowledged the alert. */
export function ackedBy(a, agency) {
  const acks = a.acks || [];
  return agency ? acks.some((k) => k.agency === agency) : acks.length > 0;
}

function ackText(a, me) {
  const acks = a.acks || [];
  if (!acks.length) return 'not acknowledged';
  return 'acknowledged: ' + acks.map((k) => {
    const mine = me.agency && k.agency === me.agency;
    const old = Number(k.rev) < Number(a.rev) ? ` rev ${k.rev}` : '';
    return `${mine ? 'you' : k.agency} (${k.by || '?'}${old}${k.time ? ', ' + hms(k.time) : ''})`;
  }).join('; ');
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The alert panel. opts: list (ul), empty (p), agencySelect, agencyWrap,
 * activeOnly (checkbox), operator (input), onSelect(alert|null), onAck(alert, by) → Promise.
 */
export class AlertPanel {
  constructor(store, opts) {
    this.store = store;
    this.o = opts;
    this.me = {};
    this.selected = '';
    this.status = new Map(); // alert id → {text, error}
    this.o.activeOnly.checked = localStorage.getItem('vigia.activeOnly') === '1';
    this.o.operator.value = localStorage.getItem('vigia.operator') || '';
    this.o.activeOnly.addEventListener('change', () => {
      localStorage.setItem('vigia.activeOnly', this.o.activeOnly.checked ? '1' : '0');
      this.render();
    });
    this.o.agencySelect.addEventListener('change', () => this.render());
    this.o.operator.addEventListener('change', () => localStorage.setItem('vigia.operator', this.o.operator.value.trim()));
    this.o.list.addEventListener('click', (e) => this.onClick(e));
    this.o.list.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target.classList.contains('alert-item')) {
        e.preventDefault();
        this.toggle(e.target.dataset.alertId);
      }
    });
  }

  /** Sets who the page is for ({agency} or {admin:true}). */
  setMe(me) {
    this.me = me || {};
    this.o.agencyWrap.hidden = !!this.me.agency;
    this.render();
  }

  /** The agency whose alerts are shown ("" for all). */
  agencyView() {
    return this.me.agency || this.o.agencySelect.value || '';
  }

  visible() {
    const ag = this.agencyView();
    return this.store.list().filter((a) => !ag || (a.agencies || []).includes(ag));
  }

  /** Number of active alerts in view (for the header). */
  activeCount() {
    return this.visible().filter((a) => a.state !== 'cleared').length;
  }

  refreshAgencyOptions() {
    if (this.me.agency) return;
    const sel = this.o.agencySelect;
    const have = new Set([...sel.options].map((o) => o.value));
    const want = new Set(['uscg', 'semar', 'ccg', ...this.store.agencies()]);
    for (const ag of [...want].sort()) {
      if (have.has(ag)) continue;
      const opt = document.createElement('option');
      opt.value = ag;
      opt.textContent = ag;
      sel.appendChild(opt);
    }
  }

  onClick(e) {
    const btn = e.target.closest('button');
    const item = e.target.closest('.alert-item');
    if (!item) return;
    const id = item.dataset.alertId;
    if (btn && btn.classList.contains('ack-btn')) {
      e.stopPropagation();
      this.ack(id);
      return;
    }
    if (e.target.closest('.alert-detail') && this.selected === id) return; // text selection in details
    this.toggle(id);
  }

  toggle(id) {
    this.select(this.selected === id ? '' : id);
  }

  /** Selects an alert by id ("" to clear) and tells the map. */
  select(id, { pan = true } = {}) {
    this.selected = id || '';
    this.render();
    const a = this.selected ? this.store.get(this.selected) : null;
    this.o.onSelect(a, { pan });
    const li = this.selected && this.o.list.querySelector(`.alert-item.selected`);
    if (li) li.scrollIntoView({ block: 'nearest' });
  }

  async ack(id) {
    const a = this.store.get(id);
    if (!a) return;
    const by = this.o.operator.value.trim();
    if (!by) {
      this.status.set(id, { text: 'Enter your name in "operator" above, then acknowledge.', error: true });
      this.render();
      this.o.operator.focus();
      return;
    }
    localStorage.setItem('vigia.operator', by);
    this.status.set(id, { text: 'sending acknowledgement…' });
    this.render();
    try {
      await this.o.onAck(a, by);
      this.status.set(id, { text: `acknowledgement of rev ${a.rev} sent`, sent: true });
    } catch (err) {
      this.status.set(id, { text: `not acknowledged: ${err.message || err}`, error: true });
    }
    this.render();
  }

  /** Redraws the list. */
  render() {
    this.refreshAgencyOptions();
    const activeOnly = this.o.activeOnly.checked;
    let shown = this.visible().filter((a) => !activeOnly || a.state !== 'cleared');
    const total = shown.length;
    shown = shown.slice(0, MAX_SHOWN);
    const sel = this.selected && this.store.get(this.selected);
    if (sel && !shown.includes(sel)) shown.push(sel); // keep the selection visible
    const items = shown.map((a) => this.item(a));
    if (total > MAX_SHOWN) items.push(el('li', 'alert-more', `${total - MAX_SHOWN} older alerts not shown`));
    const scroll = this.o.list.scrollTop;
    this.o.list.replaceChildren(...items);
    this.o.list.scrollTop = scroll;
    this.o.empty.hidden = items.length > 0;
  }

  item(a) {
    const me = this.me;
    const cleared = a.state === 'cleared';
    const li = el('li', `alert-item sev-${a.severity || 'unknown'} state-${a.state || 'active'}`);
    li.dataset.alertId = a.id;
    li.dataset.alertTrack = a.track ? a.track.id : '';
    li.tabIndex = 0;
    if (a.intercept) li.classList.add('has-intercept');
    const selected = a.id === this.selected;
    if (selected) li.classList.add('selected');
    li.setAttribute('aria-selected', selected ? 'true' : 'false');

    const head = el('div', 'alert-head');
    head.append(
      el('span', 'sev-badge', a.severity || '?'),
      el('span', 'alert-rule', ruleText(a.rule)),
      el('span', 'alert-track', a.track ? a.track.id : ''),
      el('time', 'alert-time', hms(a.time)),
    );
    head.lastChild.dateTime = a.time || '';
    head.lastChild.title = `first ${dateHms(a.first_time)} · this revision ${dateHms(a.time)}`;
    li.append(head, el('div', 'alert-summary', a.summary || ''));

    const meta = el('div', 'alert-meta');
    meta.append(
      el('span', `alert-state state-${a.state}`, cleared ? 'cleared' : 'active'),
      el('span', 'alert-agencies', (a.agencies || []).join(' · ') || 'no agency'),
      el('span', 'alert-rev', `rev ${a.rev}`),
    );
    li.append(meta);
    const acked = ackedBy(a, me.agency);
    li.append(el('div', `alert-ack${acked ? ' acked' : ''}`, ackText(a, me)));

    if (selected) li.append(this.detail(a, acked));
    return li;
  }

  detail(a, acked) {
    const d = el('div', 'alert-detail');
    const row = (k, v) => {
      if (!v) return;
      const r = el('div', 'kv');
      r.append(el('span', 'k', k), el('span', 'v', v));
      d.append(r);
    };
    const t = a.track || {};
    row('track', `${t.id || '?'} · ${t.class || 'unknown'} · ${kn(t.speed_mps)} · ${deg(t.course_deg)}`);
    row('identity', identityText(t.identity) || 'none (dark)');
    row('sensors', (t.sensors || []).join(', '));
    row('where', zoneText(a.where) || 'high seas / outside the zones');
    if (a.heading_for) row('heading for', `${zoneText(a.heading_for)}${a.heading_for.eta ? ' by ' + hms(a.heading_for.eta) : ''}`);
    if (a.intercept) {
      const ic = a.intercept;
      row('intercept', `${ic.asset || '?'}${ic.agency ? ' (' + ic.agency + ')' : ''} ETA ${hms(ic.eta)}, course ${deg(ic.course_deg)}`);
    } else {
      row('intercept', 'none possible');
    }
    row('raised', dateHms(a.first_time));
    if (a.routing && a.routing.length) {
      const r = el('div', 'kv routing');
      r.append(el('span', 'k', 'routing'));
      const ul = el('ul', 'v');
      for (const x of a.routing) ul.append(el('li', '', `${x.agency}: ${x.reason}`));
      r.append(ul);
      d.append(r);
    }
    const st = this.status.get(a.id);
    const canAck = a.state !== 'cleared' && !acked && !(st && st.sent);
    if (canAck) {
      const b = el('button', 'ack-btn', 'Acknowledge');
      b.type = 'button';
      b.title = `acknowledge rev ${a.rev} as ${this.o.operator.value.trim() || '(enter your name above)'}`;
      d.append(b);
    }
    if (st) d.append(el('div', `ack-status${st.error ? ' error' : ''}`, st.text));
    return d;
  }
}

