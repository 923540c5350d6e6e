// Builds dist/land.json, the basemap: the countries of North America, Central
// America and the Caribbean (and the neighbours in view) from Natural Earth
// 1:50m (public domain, via the world-atlas TopoJSON), as a compact GeoJSON
// FeatureCollection with coordinates rounded to 1e-3°.
//
//   node scripts/land.mjs [path/to/countries-50m.json]
//
// The source defaults to ../../shared/data/geo-natural-earth/countries-50m.json
// (the project's shared data folder) or $VIGIA_NE_COUNTRIES.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] || process.env.VIGIA_NE_COUNTRIES ||
  resolve(here, '../../../shared/data/geo-natural-earth/countries-50m.json');
const out = resolve(here, '../dist/land.json');

// ISO 3166-1 numeric → alpha-2, for the countries drawn.
const COUNTRIES = {
  840: 'US', 484: 'MX', 124: 'CA', 304: 'GL', 666: 'PM', 60: 'BM',
  320: 'GT', 84: 'BZ', 222: 'SV', 340: 'HN', 558: 'NI', 188: 'CR', 591: 'PA',
  192: 'CU', 44: 'BS', 388: 'JM', 332: 'HT', 214: 'DO', 630: 'PR', 136: 'KY',
  796: 'TC', 850: 'VI', 92: 'VG', 660: 'AI', 534: 'SX', 663: 'MF', 652: 'BL',
  28: 'AG', 659: 'KN', 500: 'MS', 212: 'DM', 662: 'LC', 670: 'VC', 308: 'GD',
  52: 'BB', 780: 'TT', 533: 'AW', 531: 'CW', 170: 'CO', 862: 'VE',
};

const topo = JSON.parse(readFileSync(src, 'utf8'));
const r3 = (v) => Math.round(v * 1000) / 1000;

// ring rounds a ring to 1e-3°, drops repeated points, and returns null when
// nothing of it is left at that resolution.
function ring(coords, shift) {
  const res = [];
  for (const [lon, lat] of coords) {
    const p = [r3(lon + shift), r3(lat)];
    const last = res[res.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) res.push(p);
  }
  if (res.length > 1) {
    const a = res[0], b = res[res.length - 1];
    if (a[0] !== b[0] || a[1] !== b[1]) res.push([a[0], a[1]]);
  }
  return res.length >= 4 ? res : null;
}

const features = [];
let points = 0;
for (const g of topo.objects.countries.geometries) {
  const iso = COUNTRIES[Number(g.id)];
  if (!iso) continue;
  const f = feature(topo, g);
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const kept = [];
  for (const poly of polys) {
    // Alaska's Aleutians west of 180° go to the west of the map (lon < -180),
    // so they are drawn beside the rest of Alaska.
    const shift = iso === 'US' && poly[0].every(([lon]) => lon > 0) ? -360 : 0;
    const rings = [];
    for (const [i, c] of poly.entries()) {
      const r = ring(c, shift);
      if (r) rings.push(r);
      else if (i === 0) break; // outer ring gone: drop the polygon
    }
    if (rings.length && ring(poly[0], shift)) {
      kept.push(rings);
      for (const r of rings) points += r.length;
    }
  }
  if (!kept.length) continue;
  features.push({
    type: 'Feature',
    properties: { iso, name: g.properties.name },
    geometry: kept.length === 1 ? { type: 'Polygon', coordinates: kept[0] } : { type: 'MultiPolygon', coordinates: kept },
  });
}
features.sort((a, b) => a.properties.iso.localeCompare(b.properties.iso));

const fc = {
  type: 'FeatureCollection',
  source: 'Natural Earth 1:50m admin-0 countries (public domain), via world-atlas@2.0.2; rounded to 1e-3 deg',
  features,
};
mkdirSync(dirname(out), { recursive: true });
const text = JSON.stringify(fc);
writeFileSync(out, text + '\n');
console.log(`land.json: ${features.length} countries, ${points} points, ${(text.length / 1024).toFixed(0)} KiB`);
const missing = Object.values(COUNTRIES).filter((c) => !features.some((f) => f.properties.iso === c));
if (missing.length) console.log(`not in the source: ${missing.join(' ')}`);
