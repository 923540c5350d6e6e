// The map: Natural Earth land on a sea-coloured background (no tiles), the
// daemon's zones, the tracks with their trails, and the selected alert's
// intercept.
import L from 'leaflet';
import { esc, kn, deg, feet, identityText, ruleText, hms } from './format.js';

const COUNTRY_COLOUR = { US: '#1f5fbf', MX: '#0b7d52', CA: '#8a3fbf' };
const OTHER_COLOUR = '#5a6b7b';

// Track colours: dark targets red/orange, identified ones blue/green.
const TRACK_COLOUR = {
  'dark-surface': '#c62828',
  'dark-air': '#e65100',
  'dark-unknown': '#c62828',
  'id-surface': '#1565c0',
  'id-air': '#2e7d32',
  'id-unknown': '#1565c0',
};

const SHAPES = {
  // a vessel: an arrow pointing along its course
  surface: '<path d="M12 2.5 L19 20.5 L12 16.5 L5 20.5 Z"/>',
  // an aircraft: a plane silhouette
  air: '<path d="M12 1.5 L13.6 8.6 L21.5 12.6 L21.5 14.6 L13.6 12.4 L13.1 18.6 L15.8 20.6 L15.8 22.2 L12 21.2 L8.2 22.2 L8.2 20.6 L10.9 18.6 L10.4 12.4 L2.5 14.6 L2.5 12.6 L10.4 8.6 Z"/>',
  // a slow or stopped target: a circle
  still: '<circle cx="12" cy="12" r="6"/>',
};

/** The category of a track: its colour key and shape. */
function kind(p) {
  const cls = p.class === 'air' || p.class === 'surface' ? p.class : 'unknown';
  const ident = p.identity ? 'id' : 'dark';
  const still = !(p.speed_mps >= 0.5);
  return { cls, ident, still, key: `${ident}-${cls}`, shape: still ? 'still' : cls === 'air' ? 'air' : 'surface' };
}

function iconHTML(id, p, k) {
  const rot = k.still ? 0 : Number(p.course_deg) || 0;
  return `<div class="trk trk-${k.cls} trk-${k.ident}${k.still ? ' trk-still' : ''}" data-track-id="${esc(id)}">` +
    `<div class="trk-rot" style="transform:rotate(${rot.toFixed(1)}deg)">` +
    `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="${TRACK_COLOUR[k.key]}">${SHAPES[k.shape]}</svg>` +
    `</div><span class="trk-label">${esc(id)}</span></div>`;
}

function tooltipHTML(id, p) {
  const k = kind(p);
  const ident = identityText(p.identity);
  const lines = [
    `<b>${esc(id)}</b> · ${esc(p.class || 'unknown')} · ${ident ? 'identified' : '<span class="tt-dark">dark</span>'}`,
    `${kn(p.speed_mps)} · ${deg(p.course_deg)}${k.cls === 'air' || Number(p.alt_m) > 0 ? ' · ' + feet(p.alt_m) : ''}`,
    ident ? esc(ident) : 'no AIS / ADS-B identity',
    `sensors: ${esc((p.sensors || []).join(', ') || '—')}`,
  ];
  if (Number.isFinite(p.sigma_m)) lines.push(`σ ${Math.round(p.sigma_m)} m`);
  if (p.alerts && p.alerts.length) lines.push(`alerts: ${esc(p.alerts.map((a) => ruleText(a.split('/').pop())).join(', '))}`);
  return lines.join('<br>');
}

function zoneOrder(f) {
  const z = f.properties && f.properties.zone;
  return { eez: 0, contiguous_zone: 1, territorial_sea: 2, land: 3, anchorage: 4, port: 5, boundary: 7, coastline: 6 }[z] ?? 3;
}

function zoneStyle(f) {
  const p = f.properties || {};
  const c = COUNTRY_COLOUR[p.country] || OTHER_COLOUR;
  switch (p.zone) {
    case 'territorial_sea':
      return { color: c, weight: 1, opacity: 0.6, fillColor: c, fillOpacity: 0.14, className: `zone zone-territorial_sea zone-${p.country}` };
    case 'contiguous_zone':
      // a raster-made polygon: a fill, no outline
      return { stroke: false, fillColor: c, fillOpacity: 0.07, className: 'zone zone-contiguous_zone' };
    case 'eez':
      return { color: c, weight: 0.8, opacity: 0.4, dashArray: '1 4', fill: false, className: 'zone zone-eez' };
    case 'port':
      return { color: '#37474f', weight: 1.5, opacity: 0.9, fill: true, fillColor: '#37474f', fillOpacity: 0.04, className: 'zone zone-port' };
    case 'anchorage':
      return { color: '#6d4c41', weight: 1.5, opacity: 0.9, dashArray: '5 3', fill: true, fillColor: '#6d4c41', fillOpacity: 0.04, className: 'zone zone-anchorage' };
    case 'boundary':
      return {
        color: '#d50000', weight: 2, opacity: 0.85, dashArray: p.boundary_kind === 'land' ? '2 5' : '9 6',
        fill: false, className: `boundary boundary-${p.boundary_kind || 'maritime'}`,
      };
    case 'coastline':
      return { color: '#8d8470', weight: 0.6, opacity: 0.6, fill: false, className: 'zone zone-coastline' };
    default:
      return { stroke: false, fill: false, className: 'zone' };
  }
}

/** The map view: create with new MapView(element, {onSelectTrack}). */
export class MapView {
  constructor(el, { onSelectTrack } = {}) {
    this.onSelectTrack = onSelectTrack || (() => {});
    this.map = L.map(el, {
      center: [27, -95],
      zoom: 5,
      minZoom: 2,
      maxZoom: 16,
      worldCopyJump: false,
      zoomSnap: 0.5,
      preferCanvas: false,
      attributionControl: true,
    });
    this.map.attributionControl.setPrefix('Leaflet');
    // zone fills go under the land (which hides where they overlap it), the
    // lines (boundaries, ports, anchorages) over it
    for (const [name, z] of [['zones', 190], ['land', 200], ['zonelines', 260], ['trails', 380], ['intercept', 590]]) {
      this.map.createPane(name).style.zIndex = String(z);
    }
    this.map.getPane('land').style.pointerEvents = 'none';
    this.map.getPane('trails').style.pointerEvents = 'none';
    L.control.scale({ imperial: true, metric: true, position: 'bottomleft' }).addTo(this.map);
    this.addLegend();
    this.tracks = new Map(); // id → {p, ll, marker, trail, kindKey}
    this.selectedTrack = '';
    this.intercept = null;
    this.fitted = false;
    this.zonesBounds = null;
    const onZoom = () => el.classList.toggle('show-labels', this.map.getZoom() >= 9);
    this.map.on('zoomend', onZoom);
    onZoom();
  }

  addLegend() {
    const legend = L.control({ position: 'bottomleft' });
    legend.onAdd = () => {
      const div = L.DomUtil.create('div', 'legend');
      const sym = (key, shape, rot) =>
        `<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="${TRACK_COLOUR[key]}" style="transform:rotate(${rot}deg)">${SHAPES[shape]}</svg>`;
      div.innerHTML =
        `<div>${sym('dark-surface', 'surface', 45)} dark vessel</div>` +
        `<div>${sym('id-surface', 'surface', 45)} AIS vessel</div>` +
        `<div>${sym('dark-air', 'air', 45)} dark aircraft</div>` +
        `<div>${sym('id-air', 'air', 45)} ADS-B aircraft</div>` +
        `<div>${sym('dark-surface', 'still', 0)} slow / stopped</div>` +
        '<div><span class="lg-line lg-boundary"></span> boundary</div>' +
        '<div><span class="lg-line lg-intercept"></span> intercept</div>';
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(this.map);
  }

  /** Draws the basemap (a GeoJSON FeatureCollection of land polygons). */
  setLand(fc) {
    L.geoJSON(fc, {
      pane: 'land',
      interactive: false,
      style: { color: '#9e9682', weight: 0.7, opacity: 0.9, fillColor: '#f1ede3', fillOpacity: 1, className: 'land' },
    }).addTo(this.map);
    this.map.attributionControl.addAttribution('Land: Natural Earth');
  }

  /** Draws the daemon's zones (GET /api/zones). */
  setZones(fc) {
    for (const l of this.zoneLayers || []) l.remove();
    const feats = (fc && fc.features ? fc.features.slice() : []).filter((f) => f && f.geometry && (f.properties || {}).zone !== 'land');
    feats.sort((a, b) => zoneOrder(a) - zoneOrder(b));
    const isLine = (f) => ['boundary', 'coastline', 'port', 'anchorage'].includes((f.properties || {}).zone);
    const layer = (pane, filter) => L.geoJSON({ type: 'FeatureCollection', features: feats.filter(filter) }, {
      pane,
      style: zoneStyle,
      onEachFeature: (f, l) => {
        const p = f.properties || {};
        let text = '';
        if (p.zone === 'boundary') {
          const cs = Array.isArray(p.countries) ? p.countries.join('–') : String(p.countries || '');
          text = `${p.name || cs + ' boundary'} (${p.boundary_kind || 'maritime'})`;
        } else if (p.zone === 'port' || p.zone === 'anchorage') {
          text = `${p.zone}${p.name ? ': ' + p.name : ''}${p.country ? ' (' + p.country + ')' : ''}`;
        }
        if (text) l.bindTooltip(esc(text), { sticky: true, className: 'zone-tip' });
        else l.options.interactive = false;
      },
    }).addTo(this.map);
    this.zoneLayers = [layer('zones', (f) => !isLine(f)), layer('zonelines', isLine)];
    // the daemon may name its zone sources; the built-in set's are these
    const attribution = (fc && typeof fc.attribution === 'string' && fc.attribution) ||
      (feats.length ? 'Zones: © OpenStreetMap contributors (ODbL), NOAA, Natural Earth' : '');
    if (this.zonesAttribution) this.map.attributionControl.removeAttribution(this.zonesAttribution);
    this.zonesAttribution = esc(attribution);
    if (attribution) this.map.attributionControl.addAttribution(this.zonesAttribution);
    const b = L.latLngBounds([]);
    for (const l of this.zoneLayers) {
      const lb = l.getBounds();
      if (lb.isValid()) b.extend(lb);
    }
    this.zonesBounds = b.isValid() ? b : null;
  }

  /** Updates the tracks from a GeoJSON FeatureCollection (GET /api/tracks or the stream). */
  setTracks(fc) {
    const seen = new Set();
    for (const f of (fc && fc.features) || []) {
      if (!f || !f.geometry || f.geometry.type !== 'Point') continue;
      const p = f.properties || {};
      const id = String(f.id ?? p.id ?? '');
      if (!id) continue;
      seen.add(id);
      const [lon, lat] = f.geometry.coordinates;
      const ll = L.latLng(lat, lon);
      const k = kind(p);
      let t = this.tracks.get(id);
      if (!t) {
        const marker = L.marker(ll, {
          icon: L.divIcon({ className: 'trk-icon', html: iconHTML(id, p, k), iconSize: [24, 24], iconAnchor: [12, 12] }),
          keyboard: false,
          riseOnHover: true,
          title: '',
        });
        t = { id, p, ll, marker, kindKey: k.key + k.shape };
        marker.bindTooltip(() => tooltipHTML(id, t.p), { direction: 'top', offset: [0, -12], className: 'trk-tip' });
        marker.on('click', () => this.onSelectTrack(id));
        const trail = L.polyline([], {
          pane: 'trails', interactive: false, color: TRACK_COLOUR[k.key], weight: 2, opacity: 0.55, className: 'trail',
        });
        t.trail = trail;
        trail.addTo(this.map);
        marker.addTo(this.map);
        this.tracks.set(id, t);
      } else {
        t.p = p;
        t.ll = ll;
        t.marker.setLatLng(ll);
        const key = k.key + k.shape;
        if (key !== t.kindKey) {
          t.kindKey = key;
          t.marker.setIcon(L.divIcon({ className: 'trk-icon', html: iconHTML(id, p, k), iconSize: [24, 24], iconAnchor: [12, 12] }));
          t.trail.setStyle({ color: TRACK_COLOUR[k.key] });
        } else {
          const rot = t.marker.getElement() && t.marker.getElement().querySelector('.trk-rot');
          if (rot && !k.still) rot.style.transform = `rotate(${(Number(p.course_deg) || 0).toFixed(1)}deg)`;
        }
        if (t.marker.isTooltipOpen()) t.marker.setTooltipContent(tooltipHTML(id, p));
      }
      const pts = Array.isArray(p.trail) ? p.trail.filter((c) => Array.isArray(c) && c.length >= 2).map(([x, y]) => [y, x]) : [];
      pts.push([lat, lon]);
      t.trail.setLatLngs(pts);
      this.decorate(t);
    }
    for (const [id, t] of this.tracks) {
      if (seen.has(id)) continue;
      t.marker.remove();
      t.trail.remove();
      this.tracks.delete(id);
    }
    if (!this.fitted) this.initialFit();
    this.updateIntercept();
  }

  decorate(t) {
    const el = t.marker.getElement();
    const inner = el && el.firstElementChild;
    if (!inner) return;
    inner.classList.toggle('has-alert', !!(t.p.alerts && t.p.alerts.length));
    inner.classList.toggle('selected', t.id === this.selectedTrack);
    t.marker.setZIndexOffset(t.id === this.selectedTrack ? 1000 : t.p.alerts && t.p.alerts.length ? 500 : 0);
  }

  /** Fits the view once: to the tracks if any, else to the zones. */
  initialFit() {
    const pts = [...this.tracks.values()].map((t) => t.ll);
    if (pts.length) {
      this.map.fitBounds(L.latLngBounds(pts).pad(0.15), { maxZoom: 10 });
      this.fitted = true;
    } else if (this.zonesBounds) {
      this.map.fitBounds(this.zonesBounds, { maxZoom: 9 });
    }
  }

  /** Number of tracks in the picture. */
  trackCount() {
    return this.tracks.size;
  }

  /**
   * Selects an alert on the map: highlights its track, pans/zooms to it and
   * draws the intercept (a line from the track to the intercept point and a
   * labelled marker at the point). null clears the selection.
   */
  select(alert, { pan = true } = {}) {
    this.selectedAlert = alert || null;
    const prev = this.selectedTrack;
    this.selectedTrack = alert && alert.track ? String(alert.track.id) : '';
    for (const id of [prev, this.selectedTrack]) {
      const t = id && this.tracks.get(id);
      if (t) this.decorate(t);
    }
    this.clearIntercept();
    if (!alert) return;
    const t = this.tracks.get(this.selectedTrack);
    const from = t ? t.ll : alert.track && Number.isFinite(alert.track.lat) ? L.latLng(alert.track.lat, alert.track.lon) : null;
    if (!t && from) {
      // the track has left the picture: show where the alert last put it
      this.ghost = L.circleMarker(from, {
        pane: 'intercept', radius: 9, color: '#c62828', weight: 2, dashArray: '3 3', fill: false, className: 'alert-track-ghost',
      }).bindTooltip(`${esc(alert.track.id)} (last position in the alert)`).addTo(this.map);
    }
    const ic = alert.intercept;
    if (ic && Number.isFinite(ic.lat) && Number.isFinite(ic.lon) && from) {
      const to = L.latLng(ic.lat, ic.lon);
      this.intercept = {
        line: L.polyline([from, to], {
          pane: 'intercept', color: '#6a1b9a', weight: 3, opacity: 0.95, dashArray: '8 5', interactive: false, className: 'intercept-line',
        }).addTo(this.map),
        point: L.marker(to, {
          pane: 'intercept',
          keyboard: false,
          interactive: false,
          icon: L.divIcon({
            className: 'intercept-point',
            html: `<div class="ip-dot"></div><div class="ip-label">${esc(ic.asset || 'interceptor')} ETA ${esc(hms(ic.eta))}</div>`,
            iconSize: [14, 14],
            iconAnchor: [7, 7],
          }),
        }).addTo(this.map),
      };
      const lineEl = this.intercept.line.getElement();
      if (lineEl) lineEl.setAttribute('data-alert-id', alert.id);
      const ptEl = this.intercept.point.getElement();
      if (ptEl) ptEl.setAttribute('data-alert-id', alert.id);
      if (pan) this.map.fitBounds(L.latLngBounds([from, to]).pad(0.35), { maxZoom: 12 });
    } else if (from && pan) {
      this.map.setView(from, Math.max(this.map.getZoom(), 10));
    }
  }

  clearIntercept() {
    if (this.intercept) {
      this.intercept.line.remove();
      this.intercept.point.remove();
      this.intercept = null;
    }
    if (this.ghost) {
      this.ghost.remove();
      this.ghost = null;
    }
  }

  /** Keeps the intercept line starting at the track's latest position. */
  updateIntercept() {
    if (!this.intercept || !this.selectedTrack) return;
    const t = this.tracks.get(this.selectedTrack);
    if (!t) return;
    const ll = this.intercept.line.getLatLngs();
    this.intercept.line.setLatLngs([t.ll, ll[ll.length - 1]]);
  }

  /** Pans to a track by id (true when it is in the picture). */
  panToTrack(id) {
    const t = this.tracks.get(id);
    if (!t) return false;
    this.map.setView(t.ll, Math.max(this.map.getZoom(), 10));
    return true;
  }
}
