package sim

// The generator keeps one event source per scanning sensor, one per
// (AIS receiver, AIS vessel) pair — two with an NMEA gateway: positions and
// static data —, one per (ADS-B receiver, aircraft with an ICAO address)
// pair and one per asset. Next takes the earliest source (ties go to the
// lower source index: sensors in scene order, within an AIS receiver the
// vessels' positions in target order then their static data, within an
// ADS-B receiver the aircraft in target order, then assets in scene order),
// lets it measure the truth at that instant and encode the report, then
// reschedules it. Each source draws from its own PCG stream seeded with
// (seed, FNV-1a of its name), so a sensor's noise does not depend on what
// the others did.

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	ais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"
)

// Message is one MQTT message a simulated gateway publishes.
type Message struct {
	Time  time.Time // scene time the gateway publishes it (= the measurement or reception time)
	Topic string    // {prefix}obs/{kind}/{sensor}, or {prefix}assets/{agency}/{asset}
	// Payload is a native JSON sensor report (SPEC §3), NMEA sentences or
	// SBS lines (CR LF or LF terminated), or an asset position (SPEC §4);
	// owned by the caller.
	Payload []byte
}

// TimeLayout is the layout of the payload's "time" field: RFC 3339, UTC,
// milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Generator produces the scene's messages in time order, deterministically
// for a seed: the same scene, start and seed give byte-identical messages
// (on one architecture; a platform that fuses multiply-adds may differ in a
// last rounded digit). It is not safe for concurrent use.
type Generator struct {
	start   time.Time
	paths   []path               // compiled targets, scene order
	assets  []asset              // compiled assets, scene order
	sources []*source            // event sources, tie-break order
	seqs    []uint64             // per sensor: last seq used
	nmea    []*aisnmea.NMEACodec // per sensor: the NMEA encoder of an NMEA AIS gateway (its sequential message ids)
	buf     []byte               // scratch for detections
	dets    []det                // scratch for a scan's plots
}

// srcKind is what a source produces.
type srcKind uint8

const (
	srcScan      srcKind = iota // a radar scan
	srcAIS                      // an AIS vessel's position reports, as one receiver hears them
	srcAISStatic                // an AIS vessel's static data (NMEA gateways)
	srcADSB                     // an aircraft's ADS-B, as one receiver hears it
	srcAsset                    // an asset's position reports
)

// source is one stream of reports: a scanning sensor, one AIS vessel heard
// by one AIS receiver (positions or static data), one aircraft heard by one
// ADS-B receiver, or one asset.
type source struct {
	kind   srcKind
	sensor int           // index into sensors / seqs; -1 for an asset
	sn     *Sensor       // copy owned by the generator; nil for an asset
	topic  string        // full topic
	vessel int           // AIS, ADS-B: index into paths; -1 otherwise
	asset  *asset        // the asset; nil for a sensor
	next   time.Duration // next event, since scene start
	k      int64         // scanning: index of the next scan; others: transmissions so far
	rng    *rand.Rand
	fixed  frame // ENU frame at a fixed sensor
}

// asset is an asset compiled for the generator.
type asset struct {
	a      Asset // copy owned by the generator
	tg     Target
	path   path
	period time.Duration
}

// det is one plot of a scan before encoding.
type det struct {
	rng, brg, elev float64
}

// NewGenerator returns a generator of s's messages, with noise, misses,
// clutter and asset reporting phases drawn from seed, topics prefixed by
// topicPrefix (e.g. "vigia/": sensors publish on "vigia/obs/{kind}/{sensor}",
// assets on "vigia/assets/{agency}/{asset}").
// The scene is copied: later changes to s do not affect the generator.
// It returns Validate's error for an invalid scene.
//
// The stream is endless. Targets follow their legs and then keep their last
// leg for ever (a zero-speed leg stops the target where it is); a sensor
// publishes every scan even when it saw nothing (an empty "detections"
// list), an AIS receiver publishes only the transmissions of vessels within
// its range and outside their AIS-off intervals, an ADS-B receiver only the
// aircraft with an ICAO address within its (slant) range, and every asset
// publishes its position every period wherever it is.
func NewGenerator(s *Scene, seed uint64, topicPrefix string) (*Generator, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{start: s.Start, seqs: make([]uint64, len(s.Sensors))}
	targets := slices.Clone(s.Targets)
	for i := range targets {
		targets[i].Legs = slices.Clone(targets[i].Legs)
		g.paths = append(g.paths, compile(&targets[i]))
	}
	g.nmea = make([]*aisnmea.NMEACodec, len(s.Sensors))
	for i := range s.Sensors {
		sn := s.Sensors[i]
		if sn.Orbit != nil {
			o := *sn.Orbit
			sn.Orbit = &o
		}
		topic := topicPrefix + "obs/" + string(sn.Kind) + "/" + sn.ID
		switch sn.Kind {
		case KindAIS:
			g.aisSources(i, &sn, topic, seed)
		case KindADSB:
			for v := range g.paths {
				tg := g.paths[v].tg
				if tg.ICAO == "" {
					continue
				}
				icao, _ := strconv.ParseUint(tg.ICAO, 16, 32)
				g.sources = append(g.sources, &source{
					kind: srcADSB, sensor: i, sn: &sn, topic: topic, vessel: v,
					// The aircraft's own phase, the same for every receiver.
					next:  sn.Phase + time.Duration(icao*7919%uint64(sn.Period/time.Millisecond))*time.Millisecond,
					rng:   rand.New(rand.NewPCG(seed, streamID(sn.ID+"/"+tg.ID))),
					fixed: newFrame(sn.Position),
				})
			}
		default:
			g.sources = append(g.sources, &source{
				kind: srcScan, sensor: i, sn: &sn, topic: topic, vessel: -1, next: sn.Phase,
				rng: rand.New(rand.NewPCG(seed, streamID(sn.ID))), fixed: newFrame(sn.Position),
			})
		}
	}
	g.assets = make([]asset, len(s.Assets))
	for i := range s.Assets {
		as := &g.assets[i]
		as.a = s.Assets[i]
		as.a.Legs = slices.Clone(as.a.Legs)
		as.tg = as.a.target()
		as.path = compile(&as.tg)
		as.period = as.a.period()
		// Its own stream, used for the reporting phase only.
		r := rand.New(rand.NewPCG(seed, streamID("asset/"+as.a.ID)))
		g.sources = append(g.sources, &source{
			kind: srcAsset, sensor: -1, topic: topicPrefix + "assets/" + as.a.Agency + "/" + as.a.ID, vessel: -1, asset: as,
			next: time.Duration(r.Int64N(int64(as.period/time.Millisecond))) * time.Millisecond,
			rng:  r,
		})
	}
	return g, nil
}

// aisSources adds the sources of AIS receiver i: one per AIS vessel, and
// with an NMEA gateway one more per vessel for its static data.
func (g *Generator) aisSources(i int, sn *Sensor, topic string, seed uint64) {
	centre := newFrame(LLA{Lat: sn.Position.Lat, Lon: sn.Position.Lon})
	for v := range g.paths {
		tg := g.paths[v].tg
		if tg.MMSI == 0 {
			continue
		}
		// The vessel's own transmission slot: the same for every
		// receiver, spread over the throttled interval or 10 s.
		spread := uint64(10 * time.Second / time.Millisecond)
		if sn.throttled() {
			spread = uint64(sn.Period / time.Millisecond)
		}
		g.sources = append(g.sources, &source{
			kind: srcAIS, sensor: i, sn: sn, topic: topic, vessel: v,
			next:  time.Duration(uint64(tg.MMSI)*7919%spread) * time.Millisecond,
			rng:   rand.New(rand.NewPCG(seed, streamID(sn.ID+"/"+tg.ID))),
			fixed: centre,
		})
	}
	if sn.format() != FormatNMEA {
		return
	}
	codec := ais.CodecNew(false, false)
	codec.FloatWithoutConversion = true // positions, speeds, courses are given in the message's units
	g.nmea[i] = aisnmea.NMEACodecNew(codec)
	for v := range g.paths {
		tg := g.paths[v].tg
		if tg.MMSI == 0 {
			continue
		}
		// Static data at the vessel's own phase in the 6-minute cycle.
		g.sources = append(g.sources, &source{
			kind: srcAISStatic, sensor: i, sn: sn, topic: topic, vessel: v,
			next:  time.Duration(uint64(tg.MMSI)*104729%uint64(AISStaticInterval/time.Millisecond)) * time.Millisecond,
			fixed: centre,
		})
	}
}

// streamID names a PCG stream.
func streamID(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// Next returns the next message in scene-time order. Messages never go back
// in time; equal times come in source order (sensors as listed in the
// scene, AIS vessels as listed among the targets).
func (g *Generator) Next() Message {
	for {
		src := g.sources[0]
		for _, s := range g.sources[1:] {
			if s.next < src.next {
				src = s
			}
		}
		if m, ok := g.fire(src); ok {
			return m
		}
	}
}

// fire produces src's report at src.next and reschedules src. It returns
// false when there is nothing to publish (an AIS vessel out of range).
func (g *Generator) fire(src *source) (Message, bool) {
	at := src.next
	t := g.start.Add(at)
	dt := at.Seconds()
	switch src.kind {
	case srcAIS:
		return g.ais(src, t, dt)
	case srcAISStatic:
		return g.aisStatic(src, t, dt)
	case srcADSB:
		return g.adsb(src, t, dt)
	case srcAsset:
		src.next += src.asset.period
		return g.assetReport(src, t, dt), true
	}
	src.k++
	src.next = src.sn.Phase + time.Duration(src.k)*src.sn.Period
	return g.scan(src, t, dt), true
}

// scan measures every target once from a scanning sensor.
func (g *Generator) scan(src *source, t time.Time, dt float64) Message {
	sn, r := src.sn, src.rng
	f := &src.fixed
	var plat LLA
	if sn.Orbit != nil {
		plat = platformAt(sn, dt)
		fr := newFrame(plat)
		f = &fr
	}
	g.dets = g.dets[:0]
	for i := range g.paths {
		p := &g.paths[i]
		pos, _, _ := p.at(dt)
		pd := sn.PdSurface
		if p.tg.Class == ClassAir {
			pd = sn.PdAir
			if sn.MaxAirAltM > 0 && pos.Alt > sn.MaxAirAltM {
				pd = 0
			}
		}
		// Always draw, so a target's visibility does not shift the stream.
		u := r.Float64()
		if pd == 0 {
			continue
		}
		rg, br, el := f.polar(pos)
		if rg > sn.RangeM || u >= pd {
			continue
		}
		g.dets = append(g.dets, g.noisy(sn, r, rg, br, el))
	}
	for range poisson(r, sn.ClutterMean) {
		// Uniform over the disc of ground radius reachable by the sensor,
		// on the sea surface.
		h := math.Max(sn.Position.Alt, 0)
		gr := sn.RangeM
		if gr > h {
			gr = math.Sqrt(gr*gr - h*h)
		}
		b := r.Float64() * 2 * math.Pi
		d := gr * math.Sqrt(r.Float64())
		sb, cb := math.Sincos(b)
		pt := f.lla(d*sb, d*cb, 0)
		pt.Alt = 0
		rg, br, el := f.polar(pt)
		g.dets = append(g.dets, g.noisy(sn, r, rg, br, el))
	}
	// A scan reports its plots in bearing order, true and false mixed.
	slices.SortStableFunc(g.dets, func(a, b det) int {
		switch {
		case a.brg < b.brg:
			return -1
		case a.brg > b.brg:
			return 1
		}
		return 0
	})

	b := g.header(src, t)
	if sn.Orbit != nil {
		b = append(b, `,"platform":{"lat":`...)
		b = appendNum(b, plat.Lat, 1e6)
		b = append(b, `,"lon":`...)
		b = appendNum(b, plat.Lon, 1e6)
		b = append(b, `,"alt_m":`...)
		b = appendNum(b, plat.Alt, 10)
		b = append(b, '}')
	}
	b = append(b, `,"detections":[`...)
	for i, d := range g.dets {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"range_m":`...)
		b = appendNum(b, d.rng, 10)
		b = append(b, `,"bearing_deg":`...)
		b = appendNum(b, d.brg, 1e3)
		if sn.Elevation {
			b = append(b, `,"elevation_deg":`...)
			b = appendNum(b, d.elev, 1e3)
		}
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	return g.message(src, t, b)
}

// noisy adds the sensor's measurement noise to a true polar plot and rounds
// it as the payload will carry it (bearing kept in [0,360)).
func (g *Generator) noisy(sn *Sensor, r *rand.Rand, rg, br, el float64) det {
	rg = math.Max(rg+r.NormFloat64()*sn.SigmaRangeM, 0)
	br = wrap360(br + r.NormFloat64()*sn.SigmaBearingDeg)
	if sn.Elevation {
		el += r.NormFloat64() * sn.SigmaElevationDeg
	}
	d := det{rng: round(rg, 10), brg: round(br, 1e3), elev: round(el, 1e3)}
	if d.brg >= 360 {
		d.brg = 0
	}
	return d
}

// ais produces one AIS position report of src's vessel, if in range and
// transmitting: JSON or an NMEA sentence.
func (g *Generator) ais(src *source, t time.Time, dt float64) (Message, bool) {
	sn, r := src.sn, src.rng
	pos, course, speed := g.paths[src.vessel].at(dt)
	tg := g.paths[src.vessel].tg
	var interval time.Duration
	switch {
	case !sn.throttled():
		interval = AISReportInterval(tg.AISClass, speed)
	case speed > AISFastSpeedMps:
		interval = sn.Period
	default:
		interval = sn.SlowPeriod
	}
	src.next += interval
	// Noise is drawn whether or not the receiver hears the vessel, and
	// whether or not it transmits.
	dn, de := r.NormFloat64()*sn.SigmaPosM, r.NormFloat64()*sn.SigmaPosM
	if !g.hears(src, t, pos) {
		return Message{}, false
	}
	if off := tg.AISOffsetM; off != [2]float64{} {
		// The transmitted (false) position; what the receiver's range
		// applies to stays the antenna's true place.
		de += off[0]
		dn += off[1]
	}
	m, nn := radii(pos.Lat * deg)
	lat := pos.Lat + dn/m/deg
	lon := pos.Lon + de/(nn*math.Cos(pos.Lat*deg))/deg
	c := round(wrap360(course), 10)
	if c >= 360 {
		c = 0
	}
	if sn.format() == FormatNMEA {
		return g.aisPosition(src, t, tg, lat, lon, speed, c), true
	}

	b := g.header(src, t)
	b = append(b, `,"detections":[{"lat":`...)
	b = appendNum(b, lat, 1e6)
	b = append(b, `,"lon":`...)
	b = appendNum(b, lon, 1e6)
	b = append(b, `,"sigma_m":`...)
	b = appendNum(b, sn.ReportedSigmaM, 10)
	b = append(b, `,"speed_mps":`...)
	b = appendNum(b, speed, 10)
	b = append(b, `,"course_deg":`...)
	b = appendNum(b, c, 10)
	b = append(b, `,"id":{"mmsi":`...)
	b = strconv.AppendUint(b, uint64(tg.MMSI), 10)
	if tg.Name != "" {
		b = append(b, `,"name":`...)
		b = appendString(b, tg.Name)
	}
	b = append(b, "}}]}"...)
	return g.message(src, t, b), true
}

// hears reports whether src's AIS receiver hears its vessel at t: the
// vessel is transmitting (not in an AIS-off interval) and within range.
func (g *Generator) hears(src *source, t time.Time, pos LLA) bool {
	tg := g.paths[src.vessel].tg
	for _, iv := range tg.AISOff {
		if iv.Contains(t.Sub(g.start)) {
			return false
		}
	}
	e, n, _ := src.fixed.enu(pos)
	return math.Hypot(e, n) <= src.sn.RangeM
}

// assetReport encodes an asset's position report (SPEC §4).
func (g *Generator) assetReport(src *source, t time.Time, dt float64) Message {
	as := src.asset
	pos, _, _ := as.path.at(dt)
	b := g.buf[:0]
	b = append(b, `{"id":`...)
	b = appendString(b, as.a.ID)
	b = append(b, `,"agency":`...)
	b = appendString(b, as.a.Agency)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(as.a.Kind))
	b = append(b, `,"time":"`...)
	b = t.UTC().AppendFormat(b, TimeLayout)
	b = append(b, `","lat":`...)
	b = appendNum(b, pos.Lat, 1e6)
	b = append(b, `,"lon":`...)
	b = appendNum(b, pos.Lon, 1e6)
	b = append(b, `,"max_speed_mps":`...)
	b = appendNum(b, as.a.MaxSpeedMps, 100)
	b = append(b, `,"available":true}`...)
	return g.message(src, t, b)
}

// header starts a payload: sensor, time and the next seq of src's sensor.
func (g *Generator) header(src *source, t time.Time) []byte {
	g.seqs[src.sensor]++
	b := g.buf[:0]
	b = append(b, `{"sensor":`...)
	b = appendString(b, src.sn.ID)
	b = append(b, `,"time":"`...)
	b = t.UTC().AppendFormat(b, TimeLayout)
	b = append(b, `","seq":`...)
	b = strconv.AppendUint(b, g.seqs[src.sensor], 10)
	return b
}

// message copies the scratch payload into a message of its own.
func (g *Generator) message(src *source, t time.Time, b []byte) Message {
	g.buf = b
	return Message{Time: t, Topic: src.topic, Payload: slices.Clone(b)}
}

// poisson draws a Poisson variate of mean mu (Knuth; mu is small).
func poisson(r *rand.Rand, mu float64) int {
	if mu <= 0 {
		return 0
	}
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// round rounds v to 1/scale (e.g. scale 1e3 keeps three decimals).
func round(v, scale float64) float64 {
	v = math.Round(v*scale) / scale
	if v == 0 {
		return 0 // no "-0"
	}
	return v
}

// appendNum appends v rounded to 1/scale as a JSON number.
func appendNum(b []byte, v, scale float64) []byte {
	return strconv.AppendFloat(b, round(v, scale), 'f', -1, 64)
}

// appendString appends s as a JSON string (invalid UTF-8 becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', byte(c))
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = utf8.AppendRune(b, c)
		}
	}
	return append(b, '"')
}
