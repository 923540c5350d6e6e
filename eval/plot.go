package eval

import (
	"cmp"
	"fmt"
	"image/color"
	"maps"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot draws the truth (grey lines, one per target) against the tracks
// (coloured lines with points, one per track id) in the east/north plane and
// saves it to path; the format follows the extension (.svg, .png, .pdf).
// Where a track leaves its target, breaks up or starts on clutter is then
// plain to see.
func Plot(tracks, truth Frames, title, path string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "east (m)"
	p.Y.Label.Text = "north (m)"
	grey := color.RGBA{R: 170, G: 170, B: 170, A: 255}
	for _, xy := range paths(truth) {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plot truth: %w", err)
		}
		l.Color = grey
		l.Width = vg.Points(2.5)
		p.Add(l)
	}
	i := 0
	for _, xy := range paths(tracks) {
		c := plotColor(i)
		i++
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return fmt.Errorf("plot tracks: %w", err)
		}
		l.Color, l.Width = c, vg.Points(0.8)
		s.Color, s.Shape, s.Radius = c, draw.CircleGlyph{}, vg.Points(1.2)
		p.Add(l, s)
	}
	p.Legend.Add("truth", &plotter.Line{LineStyle: draw.LineStyle{Color: grey, Width: vg.Points(2.5)}})
	return p.Save(30*vg.Centimeter, 24*vg.Centimeter, path)
}

// paths gathers each id's positions in time order.
func paths(f Frames) []plotter.XYs {
	byID := map[int64]plotter.XYs{}
	for _, t := range slices.Sorted(maps.Keys(f)) {
		for _, o := range f[t] {
			byID[o.ID] = append(byID[o.ID], plotter.XY{X: o.X, Y: o.Y})
		}
	}
	ids := slices.SortedFunc(maps.Keys(byID), cmp.Compare[int64])
	out := make([]plotter.XYs, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out
}

func plotColor(i int) color.Color {
	palette := []color.RGBA{{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
		{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {188, 189, 34, 255}, {23, 190, 207, 255}}
	return palette[i%len(palette)]
}
