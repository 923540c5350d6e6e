package loadtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/config"
)

// Bench sensors. The engine takes one report as one whole scan of its sensor:
// a track inside the sensor's coverage that the report does not update is
// missed by it. A big scan split over several messages of one sensor would
// therefore miss most of its own targets in every message, so the bench
// gives each message a whole scan of one small coastal radar of its own,
// and covers the area with several of them whose coverages do not overlap.
const (
	radarPrefix = "bench-radar-"
	aisSensor   = "bench-ais"
	radarRangeM = 8000.0
	// radarSpacingDeg apart (about 20 km), the 8 km coverages do not overlap.
	radarSpacingDeg = 0.2
)

// radarPosition places bench radar k (0-based) on a grid offshore of
// South Padre Island, in US waters beyond the territorial sea, away from
// the maritime boundary, so that unremarkable targets raise no alerts.
func radarPosition(k int) config.Position {
	return config.Position{Lat: 26.15 + radarSpacingDeg*float64(k/4), Lon: -96.85 + radarSpacingDeg*float64(k%4), Alt: 30}
}

// probePosition places probe i (a vessel of its own) on a 2 km grid north
// of the radars' coverages, each far outside the others' gates.
func probePosition(i int) (lat, lon float64) {
	const cols = 25
	i %= 500 // 20 rows × 25 columns; a probe's track is long gone when its place comes round again
	return 27.05 + 0.02*float64(i/cols), -96.95 + 0.025*float64(i%cols)
}

// addBenchSensors appends the bench radars and the JSON AIS sensor of the
// probes to a configuration (already defaulted: each sensor is filled in
// full here).
func addBenchSensors(c *config.Config, radars int) {
	for k := range radars {
		p := radarPosition(k)
		id := fmt.Sprintf("%s%02d", radarPrefix, k+1)
		c.Sensors = append(c.Sensors, config.Sensor{ID: id, Kind: "radar", Format: "json", Time: "payload",
			Topic: c.TopicPrefix + "obs/radar/" + id, Position: &p, SigmaRangeM: 25, SigmaBearingDeg: 0.3, SigmaM: 100,
			RangeM: radarRangeM, Pd: 0.9, Class: "unknown"})
	}
	c.Sensors = append(c.Sensors, config.Sensor{ID: aisSensor, Kind: "ais", Format: "json", Time: "payload",
		Topic: c.TopicPrefix + "obs/ais/" + aisSensor, SigmaRangeM: 50, SigmaBearingDeg: 0.5, SigmaM: 10,
		Pd: 0.95, Class: "surface"})
}

// target moves on a circle around its radar at constant speed.
type target struct {
	r      float64 // range, m
	theta0 float64 // bearing at the bench's epoch, rad
	omega  float64 // rad/s (negative: anticlockwise)
}

// radar generates the scans of one bench radar: its targets plus clutter,
// as polar plots with the configured noise.
type radar struct {
	id, topic string
	targets   []target
	clutter   int
	seq       int64
	rng       *rand.Rand
	epoch     time.Time
	size      int // of the last scan's payload: the next one's capacity
}

func newRadar(k int, prefix string, targets, clutter int, epoch time.Time) *radar {
	id := fmt.Sprintf("%s%02d", radarPrefix, k+1)
	g := &radar{id: id, topic: prefix + "obs/radar/" + id, clutter: clutter, epoch: epoch,
		rng: rand.New(rand.NewPCG(uint64(k)+1, 0x9e3779b97f4a7c15))}
	for i := range targets {
		// Concentric circles from 1 km to 6.5 km, random phases, 3–8 m/s either way.
		r := 1000 + 5500*(float64(i)+0.5)/float64(targets)
		v := 3 + 5*g.rng.Float64()
		if g.rng.IntN(2) == 0 {
			v = -v
		}
		g.targets = append(g.targets, target{r: r, theta0: 2 * math.Pi * g.rng.Float64(), omega: v / r})
	}
	return g
}

// scan renders the radar's report at measurement time t, in a new slice
// (the MQTT client holds it until it is written).
func (g *radar) scan(t time.Time) []byte {
	g.seq++
	b := make([]byte, 0, g.size+64)
	b = append(b, `{"sensor":"`...)
	b = append(b, g.id...)
	b = append(b, `","time":"`...)
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, g.seq, 10)
	b = append(b, `,"detections":[`...)
	dt := t.Sub(g.epoch).Seconds()
	n := 0
	det := func(r, bearingDeg float64) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		bearingDeg = math.Mod(bearingDeg, 360)
		if bearingDeg < 0 {
			bearingDeg += 360
		}
		b = append(b, `{"range_m":`...)
		b = strconv.AppendFloat(b, math.Max(r, 1), 'f', 1, 64)
		b = append(b, `,"bearing_deg":`...)
		b = strconv.AppendFloat(b, bearingDeg, 'f', 4, 64)
		b = append(b, '}')
	}
	for _, tg := range g.targets {
		th := tg.theta0 + tg.omega*dt
		det(tg.r+25*g.rng.NormFloat64(), th*180/math.Pi+0.3*g.rng.NormFloat64())
	}
	for range g.clutter {
		det(300+(radarRangeM-300)*g.rng.Float64(), 360*g.rng.Float64())
	}
	b = append(b, "]}"...)
	g.size = len(b)
	return b
}

// detections is how many detections each scan holds.
func (g *radar) detections() int { return len(g.targets) + g.clutter }

// invalidMMSI is a nine-digit number no vessel may transmit (no MMSI
// format begins with 1 unless 111, for SAR aircraft): identity_mismatch is
// raised on the first evaluation of a track carrying it.
func invalidMMSI(base, i int) uint32 { return uint32(100_000_000 + (base+i)%10_000_000) }

// probeReport is one AIS position report of a vessel with an invalid MMSI.
func probeReport(mmsi uint32, lat, lon float64, t time.Time) []byte {
	b := make([]byte, 0, 256)
	b = append(b, `{"sensor":"`+aisSensor+`","time":"`...)
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","detections":[{"lat":`...)
	b = strconv.AppendFloat(b, lat, 'f', 6, 64)
	b = append(b, `,"lon":`...)
	b = strconv.AppendFloat(b, lon, 'f', 6, 64)
	b = append(b, `,"sigma_m":10,"speed_mps":4,"course_deg":90,"id":{"mmsi":`...)
	b = strconv.AppendUint(b, uint64(mmsi), 10)
	b = append(b, "}}]}"...)
	return b
}
