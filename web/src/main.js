// Vigia operations-centre web picture: the entry point.
import 'leaflet/dist/leaflet.css';
import './app.css';
import { getJSON, postAck, openStream, APIError } from './api.js';
import { MapView } from './map.js';
import { AlertStore, AlertPanel } from './alerts.js';
import { dateHms } from './format.js';

const $ = (id) => document.getElementById(id);

const store = new AlertStore();
const view = new MapView($('map'), { onSelectTrack: selectTrack });
const panel = new AlertPanel(store, {
  list: $('alerts'),
  empty: $('alerts-empty'),
  agencySelect: $('agency-filter'),
  agencyWrap: $('agency-filter-wrap'),
  activeOnly: $('active-only'),
  operator: $('operator'),
  onSelect: (a, opts) => view.select(a, opts),
  onAck: (a, by) => postAck(a.id, a.rev, by),
});

let lastPicture = 0; // wall-clock ms of the last picture received
let conn = 'connecting';

function message(text) {
  $('msg').textContent = text || '';
}

function setConn(state) {
  conn = state;
  const e = $('conn');
  e.className = `conn conn-${state}`;
  e.textContent = state;
}

function updateCounts() {
  $('n-tracks').textContent = String(view.trackCount());
  $('n-alerts').textContent = String(panel.activeCount());
}

function onTracks(fc) {
  if (!fc) return;
  view.setTracks(fc);
  if (fc.origin) $('origin').textContent = fc.origin;
  if (fc.time) {
    $('clock').textContent = dateHms(fc.time);
    $('clock').dateTime = fc.time;
  }
  lastPicture = Date.now();
  $('clock').classList.remove('stale');
  updateCounts();
}

function onAlert(a) {
  if (!store.put(a)) return;
  panel.render();
  if (panel.selected === a.id) view.select(a, { pan: false });
  updateCounts();
}

function selectTrack(id) {
  // a track's newest alert in view, else just the track
  const a = panel.visible().find((x) => x.track && x.track.id === id && x.state !== 'cleared') ||
    panel.visible().find((x) => x.track && x.track.id === id);
  if (a) panel.select(a.id, { pan: false });
}

async function loadAlerts() {
  try {
    store.putAll(await getJSON('alerts'));
    panel.render();
    if (panel.selected) view.select(store.get(panel.selected) || null, { pan: false });
    updateCounts();
  } catch (err) {
    report('alerts', err);
  }
}

function report(what, err) {
  console.warn(`vigia: ${what}:`, err);
  if (err instanceof APIError && (err.status === 401 || err.status === 403)) {
    message(`not authorised (${err.status}): open the page with ?token=…`);
    setConn('unauthorised');
  } else {
    message(`${what}: ${err.message || err}`);
  }
}

async function boot() {
  const land = fetch('land.json')
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((fc) => view.setLand(fc))
    .catch((err) => console.warn('vigia: land.json:', err));

  const who = getJSON('whoami')
    .then((me) => {
      me = me || {};
      $('who').textContent = me.agency ? me.agency.toUpperCase() : me.admin ? 'all agencies (admin)' : '';
      panel.setMe(me);
    })
    .catch((err) => {
      // no whoami (an open demo daemon): show everything
      panel.setMe({ admin: true });
      if (err instanceof APIError && (err.status === 401 || err.status === 403)) report('whoami', err);
    });

  const zones = getJSON('zones').then((fc) => view.setZones(fc)).catch((err) => report('zones', err));
  const tracks = getJSON('tracks').then(onTracks).catch((err) => report('tracks', err));
  await Promise.allSettled([who, zones, tracks]);
  await loadAlerts();
  view.initialFit();

  openStream({
    tracks: onTracks,
    alert: onAlert,
    state: (s) => {
      setConn(s);
      if (s === 'live') message('');
    },
    reconnected: loadAlerts,
  });
  await land;
}

// The picture is stale when the stream is quiet for a while.
setInterval(() => {
  if (lastPicture && Date.now() - lastPicture > 5000) $('clock').classList.add('stale');
}, 1000);

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && panel.selected && !(e.target instanceof HTMLInputElement)) panel.select('');
});

boot();

// For debugging and browser tests.
window.vigia = { store, view, panel, get conn() { return conn; } };
