package geo

import (
	"math"
	"testing"
)

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }

func placeLLA(t *testing.T, name string) LLA {
	t.Helper()
	for _, p := range DefaultPlaces() {
		if p.Name == name {
			return LLA{Lat: p.Lat, Lon: p.Lon}
		}
	}
	t.Fatalf("no place %q", name)
	return LLA{}
}

func TestDefaultPlaces(t *testing.T) {
	ps := DefaultPlaces()
	want := []string{"Brownsville", "Port Isabel", "South Padre Island", "Matamoros", "Playa Bagdad", "Port Mansfield", "San Diego", "Tijuana", "Rosarito", "Imperial Beach", "Port Angeles", "Victoria", "Neah Bay", "Sooke"}
	if len(ps) != len(want) {
		t.Fatalf("%d places", len(ps))
	}
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	country := map[string]string{"Brownsville": "US", "Port Isabel": "US", "South Padre Island": "US", "Matamoros": "MX", "Playa Bagdad": "MX", "Port Mansfield": "US", "San Diego": "US", "Tijuana": "MX", "Rosarito": "MX", "Imperial Beach": "US", "Port Angeles": "US", "Victoria": "CA", "Neah Bay": "US", "Sooke": "CA"}
	for i, p := range ps {
		if p.Name != want[i] {
			t.Errorf("place %d = %q, want %q", i, p.Name, want[i])
		}
		// Every place lies in (or on the coast of) its own country.
		if got := z.At(p.Lat, p.Lon); got.Country != country[p.Name] {
			t.Errorf("%s at %v,%v is in %+v", p.Name, p.Lat, p.Lon, got)
		}
	}
	ps[0].Name = "changed"
	if DefaultPlaces()[0].Name != "Brownsville" {
		t.Error("DefaultPlaces shares its slice")
	}
}

func TestDescribe(t *testing.T) {
	places := DefaultPlaces()
	mat := placeLLA(t, "Matamoros")
	cases := []struct {
		p    LLA
		want string
	}{
		{Destination(mat, 112.5, 14000), "14 km ESE of Matamoros"},
		{Destination(mat, 180, 800), "800 m S of Matamoros"},
		{Destination(mat, 200, 20), "at Matamoros"},
		{mat, "at Matamoros"},
		{Destination(placeLLA(t, "Victoria"), 180, 9600), "10 km S of Victoria"},
		{Destination(placeLLA(t, "Imperial Beach"), 262, 5000), "5 km W of Imperial Beach"},
		{Destination(placeLLA(t, "Port Isabel"), 80, 3000), "3 km E of Port Isabel"},
	}
	for _, c := range cases {
		if got := Describe(c.p, places); got != c.want {
			t.Errorf("Describe(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
	if got := Describe(mat, nil); got != "" {
		t.Errorf("no places: %q", got)
	}
	if got := Describe(LLA{Lat: nan()}, places); got != "" {
		t.Errorf("NaN: %q", got)
	}
}

func TestCompassPoint(t *testing.T) {
	cases := map[float64]string{0: "N", 11.2: "N", 11.3: "NNE", 90: "E", 112.5: "ESE", 180: "S", 270: "W", 348.7: "NNW", 348.8: "N", 359.9: "N", -22.5: "NNW", 720: "N"}
	for b, want := range cases {
		if got := CompassPoint(b); got != want {
			t.Errorf("CompassPoint(%v) = %q, want %q", b, got, want)
		}
	}
	if CompassPoint(nan()) != "" {
		t.Error("NaN bearing")
	}
}
