package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/paulmach/orb"
)

// topology is the subset of TopoJSON this program needs.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64 `json:"arcs"`
	Objects map[string]topoObject
}

// topoObject is a TopoJSON geometry or geometry collection.
type topoObject struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []topoObject    `json:"geometries"`
}

// readTopology parses a TopoJSON file and decodes its arcs: undo the delta
// encoding, then the quantization.
func readTopology(path string) (*topology, []orb.LineString, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if t.Type != "Topology" {
		return nil, nil, fmt.Errorf("%s: not a TopoJSON Topology (type %q)", path, t.Type)
	}
	arcs := make([]orb.LineString, len(t.Arcs))
	for i, a := range t.Arcs {
		ls := make(orb.LineString, len(a))
		var x, y float64
		for j, p := range a {
			if len(p) < 2 {
				return nil, nil, fmt.Errorf("%s: arc %d position %d: fewer than 2 values", path, i, j)
			}
			if t.Transform != nil {
				x += p[0]
				y += p[1]
				ls[j] = orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				ls[j] = orb.Point{p[0], p[1]}
			}
		}
		arcs[i] = ls
	}
	return &t, arcs, nil
}

// readTopoLand returns the "land" object of a TopoJSON file as a
// MultiPolygon.
func readTopoLand(path string) (orb.MultiPolygon, error) {
	t, arcs, err := readTopology(path)
	if err != nil {
		return nil, err
	}
	obj, ok := t.Objects["land"]
	if !ok {
		return nil, fmt.Errorf("%s: no \"land\" object", path)
	}
	var mp orb.MultiPolygon
	if err := appendTopoObject(&mp, obj, arcs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mp, nil
}

// appendTopoObject appends the polygons of o to mp.
func appendTopoObject(mp *orb.MultiPolygon, o topoObject, arcs []orb.LineString) error {
	switch o.Type {
	case "GeometryCollection":
		for _, g := range o.Geometries {
			if err := appendTopoObject(mp, g, arcs); err != nil {
				return err
			}
		}
	case "Polygon", "MultiPolygon":
		polys, err := topoRefs(o)
		if err != nil {
			return err
		}
		for _, rings := range polys {
			p, err := topoPolygon(rings, arcs)
			if err != nil {
				return err
			}
			*mp = append(*mp, p)
		}
	default:
		// Points and lines carry no area: ignore.
	}
	return nil
}

// topoRefs returns the arc references of a Polygon or MultiPolygon as
// polygons → rings → references.
func topoRefs(o topoObject) ([][][]int, error) {
	switch o.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(o.Arcs, &rings); err != nil {
			return nil, err
		}
		return [][][]int{rings}, nil
	case "MultiPolygon":
		var polys [][][]int
		if err := json.Unmarshal(o.Arcs, &polys); err != nil {
			return nil, err
		}
		return polys, nil
	}
	return nil, nil
}

// topoPolygon stitches arc references into rings. A negative index ~i means
// arc i reversed; consecutive arcs share their junction point.
func topoPolygon(rings [][]int, arcs []orb.LineString) (orb.Polygon, error) {
	var p orb.Polygon
	for _, refs := range rings {
		var r orb.Ring
		for k, ref := range refs {
			idx, rev := ref, false
			if ref < 0 {
				idx, rev = ^ref, true
			}
			if idx >= len(arcs) {
				return nil, fmt.Errorf("arc index %d out of range", ref)
			}
			a := arcs[idx]
			for j := range a {
				q := a[j]
				if rev {
					q = a[len(a)-1-j]
				}
				if k > 0 && j == 0 {
					continue // shared with the previous arc's last point
				}
				r = append(r, q)
			}
		}
		if len(r) >= 4 {
			p = append(p, r)
		}
	}
	return p, nil
}

// neCountries are the Natural Earth coastlines and land borders of the
// three countries, as unclipped TopoJSON arcs.
type neCountries struct {
	coast   map[string][]orb.LineString // alpha-2 → coastline arcs
	borders map[string][]orb.LineString // sorted pair "MX-US" → land border arcs
}

// numericISO maps Natural Earth / world-atlas ids (ISO 3166 numeric) to
// alpha-2.
var numericISO = map[string]string{"840": "US", "484": "MX", "124": "CA"}

// readCountries classifies the arcs of the "countries" object: an arc used
// by exactly one country geometry is coastline of that country, an arc used
// by exactly two is the land border between them.
func readCountries(path string) (*neCountries, error) {
	t, arcs, err := readTopology(path)
	if err != nil {
		return nil, err
	}
	obj, ok := t.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("%s: no \"countries\" object", path)
	}
	users := make([][]int, len(arcs)) // arc → geometry indices using it
	var codes []string                // geometry index → alpha-2 ("" for others)
	for gi, g := range obj.Geometries {
		id, _ := g.ID.(string)
		codes = append(codes, numericISO[id])
		polys, err := topoRefs(g)
		if err != nil {
			return nil, fmt.Errorf("%s: country %v: %w", path, g.ID, err)
		}
		for _, rings := range polys {
			for _, refs := range rings {
				for _, ref := range refs {
					if ref < 0 {
						ref = ^ref
					}
					if ref >= len(arcs) {
						return nil, fmt.Errorf("%s: arc index %d out of range", path, ref)
					}
					if u := users[ref]; len(u) == 0 || u[len(u)-1] != gi {
						users[ref] = append(users[ref], gi)
					}
				}
			}
		}
	}
	nec := &neCountries{coast: map[string][]orb.LineString{}, borders: map[string][]orb.LineString{}}
	for ai, u := range users {
		switch len(u) {
		case 1:
			if c := codes[u[0]]; c != "" {
				nec.coast[c] = append(nec.coast[c], arcs[ai])
			}
		case 2:
			a, b := codes[u[0]], codes[u[1]]
			if a != "" && b != "" {
				nec.borders[pairKey(a, b)] = append(nec.borders[pairKey(a, b)], arcs[ai])
			}
		}
	}
	for _, c := range sortedKeys(nec.coast) {
		n := 0
		for _, a := range nec.coast[c] {
			n += len(a)
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no coastline for %s", path, c)
		}
	}
	if len(nec.coast) != 3 || len(nec.borders["MX-US"]) == 0 || len(nec.borders["CA-US"]) == 0 {
		return nil, fmt.Errorf("%s: expected coastlines of US, MX, CA and the US–MX, US–CA borders", path)
	}
	return nec, nil
}

// pairKey is the sorted "AA-BB" key of two alpha-2 codes.
func pairKey(a, b string) string {
	s := []string{a, b}
	sort.Strings(s)
	return s[0] + "-" + s[1]
}
