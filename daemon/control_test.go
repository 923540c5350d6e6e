package daemon

import (
	"testing"
)

// FuzzControl: asset reports and acks of any shape are refused or taken,
// never a panic, never a bad asset position.
func FuzzControl(f *testing.F) {
	f.Add("assets/semar/SEMAR-PANGA-7", []byte(`{"id":"SEMAR-PANGA-7","agency":"semar","kind":"boat","time":"2026-11-28T06:00:00Z","lat":25.9,"lon":-97.1,"max_speed_mps":25,"available":true,"response_delay":"1m"}`))
	f.Add("assets/uscg/X", []byte(`{"id":"X","agency":"uscg","kind":"cutter","time":"2026-11-28T06:00:00Z","lat":1e309,"lon":-97.1,"max_speed_mps":-1}`))
	f.Add("acks/uscg", []byte(`{"id":"gulf-1/T000001/dark_vessel","rev":1,"by":"OPS"}`))
	f.Add("acks/ccg", []byte(`{"id":1}`))
	f.Add("assets/a/b", []byte(`{"id":"b","agency":"a","kind":"boat","time":"x","lat":0,"lon":0,"max_speed_mps":1,"response_delay":"-5m"}`))
	c := testConfig(f, "tcp://127.0.0.1:1")
	c.HTTP.Listen = ""
	d, err := New(c, Options{Clock: newManualClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	l := &loop{d: d}
	f.Fuzz(func(t *testing.T, topic string, payload []byte) {
		l.control(inbound{topic: c.TopicPrefix + topic, payload: payload})
		for _, a := range d.manager.Assets() {
			if !(a.Pos.Lat >= -90 && a.Pos.Lat <= 90 && a.Pos.Lon >= -180 && a.Pos.Lon <= 180 && a.MaxSpeedMPS > 0 && a.ResponseDelay >= 0) {
				t.Fatalf("asset %+v taken", a)
			}
		}
	})
}
