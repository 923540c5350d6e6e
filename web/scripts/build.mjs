// Bundles src/ into dist/ with esbuild: app.js (the page and Leaflet),
// app.css (Leaflet's CSS, its images inlined, and the page's styles) and
// index.html. dist/ is checked in, so `go build` never needs Node.
//
//   node scripts/build.mjs          # minified, as checked in
//   node scripts/build.mjs --dev    # readable, with inline source maps
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const dist = resolve(root, 'dist');
mkdirSync(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: resolve(root, 'src/main.js') },
  outdir: dist,
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'eof',
  charset: 'utf8',
  loader: { '.png': 'dataurl', '.svg': 'dataurl' },
  logLevel: 'warning',
});
copyFileSync(resolve(root, 'src/index.html'), resolve(dist, 'index.html'));

for (const f of ['index.html', 'app.js', 'app.css', 'land.json']) {
  try {
    console.log(`dist/${f}: ${(statSync(resolve(dist, f)).size / 1024).toFixed(1)} KiB`);
  } catch {
    console.log(`dist/${f}: missing`);
  }
}
