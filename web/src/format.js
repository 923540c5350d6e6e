// Formatting helpers shared by the map and the alert panel.

/** Escapes text for use in HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

const MPS_TO_KN = 3600 / 1852;

/** Speed in knots, e.g. "32.1 kn". */
export function kn(mps) {
  return Number.isFinite(mps) ? `${(mps * MPS_TO_KN).toFixed(1)} kn` : '—';
}

/** A course in whole degrees, e.g. "275°". */
export function deg(d) {
  return Number.isFinite(d) ? `${String(Math.round(((d % 360) + 360) % 360)).padStart(3, '0')}°` : '—';
}

/** An altitude in feet, e.g. "1,200 ft". */
export function feet(m) {
  return Number.isFinite(m) ? `${Math.round(m * 3.28084).toLocaleString('en-US')} ft` : '—';
}

/** hh:mm:ssZ of an RFC 3339 UTC time ("" when absent or invalid). */
export function hms(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(11, 19) + 'Z';
}

/** yyyy-mm-dd hh:mm:ssZ of an RFC 3339 UTC time. */
export function dateHms(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(0, 10) + ' ' + d.toISOString().slice(11, 19) + 'Z';
}

/** The identity of a track as text, or "" for a dark target. */
export function identityText(id) {
  if (!id) return '';
  const parts = [];
  if (id.name) parts.push(id.name);
  if (id.callsign) parts.push(`callsign ${id.callsign}`);
  if (id.mmsi) parts.push(`MMSI ${id.mmsi}`);
  if (id.icao) parts.push(`ICAO ${String(id.icao).toUpperCase()}`);
  return parts.join(' · ');
}

/** A rule name for display: "dark_vessel" → "dark vessel". */
export function ruleText(r) {
  return String(r ?? '').replace(/_/g, ' ');
}

/** A zone for display: {country:"MX", zone:"territorial_sea"} → "MX territorial sea". */
export function zoneText(w) {
  if (!w || (!w.country && !w.zone)) return '';
  return [w.country, String(w.zone ?? '').replace(/_/g, ' ')].filter(Boolean).join(' ');
}
