// A tiny stand-in for the daemon's API, for checking the page by hand
// (not embedded, not used by Go). It serves dist/ at / and a simulated scene
// off the Rio Grande on /api/*, with the zones of ../geo/zonedata when present.
//
//   node dev/mock-server.mjs [port]      # then open http://127.0.0.1:8089/
//   ?token=semar | uscg | ccg            # an agency's page
//   ?token=admin (or none)               # admin: every alert, agency filter
//   ?token=bad                           # 401s
import { createServer } from 'node:http';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');
const port = Number(process.argv[2] || process.env.PORT || 8089);
// the Content-Security-Policy of web.go
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

function zones() {
  const dir = resolve(here, '../../geo/zonedata');
  const features = [];
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.geojson'))) {
      features.push(...JSON.parse(readFileSync(resolve(dir, f), 'utf8')).features);
    }
  }
  return { type: 'FeatureCollection', features };
}
const ZONES = JSON.stringify(zones());

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const t0 = Date.now();
// [id, lat, lon, class, speed m/s, course°, alt m, identity, sensors]
const tracks = [
  ['T000142', 25.88, -96.93, 'surface', 16.4, 275, 0, null, ['radar-brownsville', 'tars-rgv']],
  ['T000150', 26.02, -97.05, 'surface', 5.1, 10, 0, { mmsi: 338123456, name: 'GULF STAR' }, ['ais-padre', 'radar-brownsville']],
  ['T000151', 26.06, -97.13, 'surface', 0.1, 0, 0, { mmsi: 345070123, name: 'DON PEPE' }, ['ais-padre']],
  ['T000160', 25.93, -97.62, 'air', 40, 20, 300, null, ['tars-rgv']],
  ['T000170', 25.80, -97.30, 'air', 210, 45, 9500, { icao: 'a1b2c3', callsign: 'AAL1234' }, ['adsb-bro']],
  ['T000180', 25.71, -96.85, 'unknown', 0.3, 0, 0, null, ['radar-brownsville']],
].map(([id, lat, lon, cls, spd, crs, alt, ident, sensors]) => ({ id, lat, lon, cls, spd, crs, alt, ident, sensors, trail: [] }));

const alerts = new Map();
function mkAlert(id, track, rule, severity, summary, extra = {}) {
  return {
    id: `gulf-1/${track}/${rule}`, rev: 1, state: 'active', rule, severity, time: iso(Date.now()), first_time: iso(t0),
    summary, track: {}, where: { country: 'MX', zone: 'territorial_sea' }, heading_for: null, intercept: null,
    agencies: ['semar', 'uscg'], routing: [{ agency: 'semar', reason: 'track in MX territorial_sea' }, { agency: 'uscg', reason: 'within 4.1 nm of the MX–US maritime boundary' }],
    acks: [], origin: 'gulf-1', sig: 'ed25519:mock', ...extra,
  };
}
function trackInfo(t) {
  return { id: t.id, lat: t.lat, lon: t.lon, sigma_m: 85, speed_mps: t.spd, course_deg: t.crs, class: t.cls, sensors: t.sensors, identity: t.ident };
}
function interceptFor(t, asset, agency, mins) {
  const p = step(t, mins * 60);
  return { asset, agency, lat: +p.lat.toFixed(4), lon: +p.lon.toFixed(4), eta: iso(Date.now() + mins * 60000), course_deg: 161 };
}
function step(t, s) {
  const d = t.spd * s;
  const r = (t.crs * Math.PI) / 180;
  return { lat: t.lat + (d * Math.cos(r)) / 111320, lon: t.lon + (d * Math.sin(r)) / (111320 * Math.cos((t.lat * Math.PI) / 180)) };
}

const dv = mkAlert('', 'T000142', 'dark_vessel', 'high', 'Dark surface contact 14 km ESE of Matamoros, 275° at 32 kn, no AIS');
dv.id = 'gulf-1/T000142/dark_vessel';
dv.heading_for = { country: 'US', zone: 'territorial_sea', eta: iso(Date.now() + 27 * 60000) };
const lsa = mkAlert('', 'T000160', 'low_slow_aircraft', 'critical', 'Low slow aircraft without transponder crossing the border northbound at 78 kn, 980 ft');
lsa.id = 'gulf-1/T000160/low_slow_aircraft';
lsa.where = { country: 'US', zone: 'land' };
lsa.agencies = ['ccg', 'semar', 'uscg'];
lsa.routing = [{ agency: 'uscg', reason: 'track over US land' }, { agency: 'semar', reason: 'within 1.2 nm of the MX–US land boundary' }, { agency: 'ccg', reason: 'critical: to all agencies' }];
const gf = mkAlert('', 'T000099', 'go_fast', 'medium', 'Cleared: AIS heard (MMSI 338000111)', { state: 'cleared', rev: 4 });
gf.id = 'gulf-1/T000099/go_fast';
gf.track = { id: 'T000099', lat: 25.99, lon: -96.98, sigma_m: 60, speed_mps: 14, course_deg: 300, class: 'surface', sensors: ['radar-brownsville'], identity: null };
gf.time = iso(t0 - 600000);
gf.acks = [{ agency: 'uscg', by: 'BM2 Rivera', rev: 2, time: iso(t0 - 900000) }];
const lt = mkAlert('', 'T000180', 'loitering', 'low', 'Surface contact loitering 1 h 12 min at 0.6 kn, 31 km E of the Rio Grande mouth');
lt.id = 'gulf-1/T000180/loitering';
lt.agencies = ['semar'];
lt.routing = [{ agency: 'semar', reason: 'track in MX eez' }];
lt.where = { country: 'MX', zone: 'eez' };
for (const a of [gf, lt, dv, lsa]) alerts.set(a.id, a);

function refreshAlerts(bump) {
  const changed = [];
  for (const [a, t, ic] of [[dv, tracks[0], ['USCGC-RAYMOND-EVANS', 'uscg', 21]], [lsa, tracks[3], ['CBP-AS350-07', 'uscg', 9]], [lt, tracks[5], null]]) {
    a.track = trackInfo(t);
    if (ic) a.intercept = interceptFor(t, ...ic);
    if (bump) {
      a.rev += 1;
      a.time = iso(Date.now());
      changed.push(a);
    }
  }
  return changed;
}
refreshAlerts(false);

function picture() {
  return {
    type: 'FeatureCollection', time: iso(Date.now()), origin: 'gulf-1',
    features: tracks.map((t) => ({
      type: 'Feature', id: t.id, geometry: { type: 'Point', coordinates: [+t.lon.toFixed(5), +t.lat.toFixed(5)] },
      properties: {
        id: t.id, class: t.cls, alt_m: t.alt, speed_mps: t.spd, course_deg: t.crs, sigma_m: 85, sensors: t.sensors, identity: t.ident,
        alerts: [...alerts.values()].filter((a) => a.state === 'active' && a.track.id === t.id).map((a) => a.id),
        trail: t.trail.map((p) => [+p[0].toFixed(5), +p[1].toFixed(5)]),
      },
    })),
  };
}

const clients = new Set();
let tick = 0;
setInterval(() => {
  tick++;
  for (const t of tracks) {
    if (tick % 10 === 0) {
      t.trail.push([t.lon, t.lat]);
      if (t.trail.length > 18) t.trail.shift();
    }
    Object.assign(t, step(t, 1));
    if (t.cls === 'air' && t.spd > 100 && (t.lat > 27 || t.lon > -96)) Object.assign(t, { lat: 25.8, lon: -97.3, trail: [] });
  }
  const changed = refreshAlerts(tick % 20 === 0);
  for (const c of clients) {
    send(c, 'tracks', picture());
    for (const a of changed) if (visible(c.who, a)) send(c, 'alert', a);
  }
}, 1000);

function who(req, url) {
  const tok = url.searchParams.get('token') || (req.headers.authorization || '').replace(/^Bearer\s+/i, '');
  if (!tok || tok === 'admin') return { admin: true };
  if (['uscg', 'semar', 'ccg'].includes(tok)) return { agency: tok };
  return null;
}
const visible = (me, a) => me.admin || a.agencies.includes(me.agency);
function send(c, ev, data) {
  c.res.write(`event: ${ev}\ndata: ${JSON.stringify(data)}\n\n`);
}
function json(res, code, v) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(v));
}

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/')) {
    const me = who(req, url);
    if (!me) return json(res, 401, { error: 'bad token' });
    switch (url.pathname) {
      case '/api/whoami': return json(res, 200, me);
      case '/api/zones': res.writeHead(200, { 'Content-Type': 'application/geo+json' }); return res.end(ZONES);
      case '/api/tracks': return json(res, 200, picture());
      case '/api/alerts': return json(res, 200, [...alerts.values()].filter((a) => visible(me, a)).sort((a, b) => b.time.localeCompare(a.time)));
      case '/api/stream': {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        const c = { res, who: me };
        clients.add(c);
        send(c, 'tracks', picture());
        req.on('close', () => clients.delete(c));
        return;
      }
      case '/api/acks': {
        if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          let m;
          try { m = JSON.parse(body); } catch { return json(res, 400, { error: 'bad JSON' }); }
          const a = alerts.get(m.id);
          if (!a) return json(res, 404, { error: 'no such alert' });
          if (!m.by) return json(res, 400, { error: 'by is required' });
          const agency = me.agency || a.agencies[0];
          if (!a.agencies.includes(agency)) return json(res, 403, { error: 'not your alert' });
          a.acks.push({ agency, by: m.by, rev: m.rev, time: iso(Date.now()) });
          a.rev += 1;
          for (const c of clients) if (visible(c.who, a)) send(c, 'alert', a);
          json(res, 200, { ok: true });
        });
        return;
      }
      default: return json(res, 404, { error: 'not found' });
    }
  }
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const file = resolve(dist, name);
  if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404); return res.end('not found'); }
  const headers = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' };
  if (extname(file) === '.html') headers['Content-Security-Policy'] = CSP; // as web.go sends it
  res.writeHead(200, headers);
  res.end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log(`mock daemon on http://127.0.0.1:${port}/`));
