package daemon

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	ais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/geo"
)

// aisSentence encodes an AIS position report (message 1) as !AIVDM.
func aisSentence(t *testing.T, mmsi uint32, p geo.LLA, sogKn, cog float64) string {
	t.Helper()
	nc := aisnmea.NMEACodecNew(ais.CodecNew(false, false))
	s := nc.EncodeSentence(aisnmea.VdmPacket{TalkerID: "AI", MessageType: "VDM", Packet: ais.PositionReport{
		Header: ais.Header{MessageID: 1, UserID: mmsi}, Valid: true, PositionAccuracy: true,
		Longitude: ais.FieldLatLonFine(p.Lon), Latitude: ais.FieldLatLonFine(p.Lat),
		Sog: ais.Field10(sogKn), Cog: ais.Field10(cog), TrueHeading: uint16(cog)}})
	if len(s) != 1 {
		t.Fatalf("encoded %d sentences", len(s))
	}
	return s[0]
}

// The gateway formats end to end: an AIS receiver publishing NMEA and an
// ADS-B receiver publishing SBS lines become tracks carrying the vessel's
// MMSI and the aircraft's ICAO address, on the vigia/tracks picture.
func TestGatewayFormatsBecomeTracks(t *testing.T) {
	c := testConfig(t, "")
	c.Sensors = append(c.Sensors,
		config.Sensor{ID: "ais-nmea", Kind: "ais", Format: "nmea", SigmaM: 10, Pd: 0.95, Class: "surface"},
		config.Sensor{ID: "adsb-sbs", Kind: "adsb", Format: "sbs", SigmaM: 50, Pd: 0.95, Class: "air"})
	for i := range c.Sensors[len(c.Sensors)-2:] {
		s := &c.Sensors[len(c.Sensors)-2+i]
		s.Topic = c.TopicPrefix + "obs/" + s.Kind + "/" + s.ID
	}
	c.Tracker.TracksInterval = time.Second
	r := startDaemon(t, c)
	gw := client(t, r.d.BrokerURL(), "gw-formats")
	watcher := client(t, r.d.BrokerURL(), "picture-watcher")
	var mu sync.Mutex
	var last []byte
	watcher.Subscribe(c.TopicPrefix+"tracks", 0, func(_ paho.Client, m paho.Message) {
		mu.Lock()
		last = append(last[:0], m.Payload()...)
		mu.Unlock()
	})

	ship := geo.LLA{Lat: 26.02, Lon: -97.05}
	plane := geo.LLA{Lat: 26.10, Lon: -97.20}
	for k := 0; k <= 12; k++ {
		dt := time.Duration(k) * 5 * time.Second
		now := t0.Add(dt)
		r.clock.Set(now)
		p := geo.Destination(ship, 90, 5*dt.Seconds())
		r.publishAndWait(t, gw, c.TopicPrefix+"obs/ais/ais-nmea", "ais-nmea", []byte(aisSentence(t, 367730160, p, 9.7, 90)+"\r\n"))
		a := geo.Destination(plane, 45, 60*dt.Seconds())
		ts := now.Format("2006/01/02,15:04:05.000")
		sbs := fmt.Sprintf("MSG,1,1,1,A1B2C3,1,%s,%s,CBP123,,,,,,,,,,,\nMSG,3,1,1,A1B2C3,1,%s,%s,,1500,,,%.5f,%.5f,,,0,0,0,0\nMSG,4,1,1,A1B2C3,1,%s,%s,,,117,45,,,0,,0,0,0,0\n",
			ts, ts, ts, ts, a.Lat, a.Lon, ts, ts)
		r.publishAndWait(t, gw, c.TopicPrefix+"obs/adsb/adsb-sbs", "adsb-sbs", []byte(sbs))
	}
	r.clock.Set(t0.Add(65 * time.Second))
	type track struct {
		Class    string `json:"class"`
		Identity *struct {
			MMSI     uint32 `json:"mmsi"`
			ICAO     string `json:"icao"`
			Callsign string `json:"callsign"`
		} `json:"identity"`
	}
	waitFor(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		var pic struct{ Tracks []track }
		if err := json.Unmarshal(last, &pic); err != nil {
			return fmt.Errorf("no picture yet: %v", err)
		}
		var vessel, aircraft bool
		for _, tr := range pic.Tracks {
			if tr.Identity == nil {
				continue
			}
			vessel = vessel || (tr.Identity.MMSI == 367730160 && tr.Class == "surface")
			aircraft = aircraft || (tr.Identity.ICAO == "a1b2c3" && tr.Identity.Callsign == "CBP123" && tr.Class == "air")
		}
		if !vessel || !aircraft {
			return fmt.Errorf("picture has vessel %v, aircraft %v: %s", vessel, aircraft, last)
		}
		return nil
	})
	if n := testutil.ToFloat64(r.d.metrics.kinds.WithLabelValues("ais-nmea", "observation")); n != 13 {
		t.Errorf("%v AIS observations decoded, want 13", n)
	}
	// A sentence with a wrong checksum is dropped and counted as such.
	bad := aisSentence(t, 367730160, ship, 0, 0)
	bad = bad[:len(bad)-2] + "00"
	if strings.HasSuffix(aisSentence(t, 367730160, ship, 0, 0), "00") {
		bad = bad[:len(bad)-2] + "01"
	}
	r.publishAndWait(t, gw, c.TopicPrefix+"obs/ais/ais-nmea", "ais-nmea", []byte(bad))
	if n := r.dropped("ais-nmea", "checksum"); n != 1 {
		t.Errorf("checksum drops %v, want 1", n)
	}
}

// A sensor's own clock tolerance applies to its reports only; a sensor set
// to receive time has its payload times replaced.
func TestPerSensorClockTolerance(t *testing.T) {
	c := testConfig(t, "")
	radar, _ := c.SensorByID("radar-brownsville")
	radar.MaxFuture = 2 * time.Second
	tars, _ := c.SensorByID("tars-rgv")
	tars.Time = "receive"
	r := startDaemon(t, c)
	gw := client(t, r.d.BrokerURL(), "gw-clock")
	ahead := t0.Add(10 * time.Second).Format(time.RFC3339)
	r.publishAndWait(t, gw, radar.Topic, radar.ID, []byte(`{"sensor":"radar-brownsville","time":"`+ahead+`","detections":[]}`))
	r.publishAndWait(t, gw, tars.Topic, tars.ID, []byte(`{"sensor":"tars-rgv","time":"`+t0.Add(-time.Hour).Format(time.RFC3339)+`","detections":[]}`))
	r.clock.Set(t0.Add(3 * time.Second))
	waitFor(t, 5*time.Second, func() error {
		if n, _, _ := r.d.Counts(); n != 1 {
			return fmt.Errorf("%d reports applied, want the aerostat's (its hour-old payload time replaced by the receive time)", n)
		}
		return nil
	})
	if n := r.dropped(radar.ID, reasonInFuture); n != 1 {
		t.Errorf("radar report 10 s ahead with a 2 s tolerance: in_future drops %v, want 1", n)
	}
	if n := r.dropped(tars.ID, reasonTooOld); n != 0 {
		t.Errorf("aerostat on receive time dropped as too old %v times", n)
	}
}
