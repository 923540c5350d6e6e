package daemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/internal/xmlschema"
	"github.com/vigia-project/vigia/sign"
)

// rawSink keeps every payload received on each agency's alert topic.
type rawSink struct {
	mu  sync.Mutex
	got map[string][][]byte
}

func subscribeRaw(t *testing.T, c paho.Client, prefix string) *rawSink {
	t.Helper()
	s := &rawSink{got: map[string][][]byte{}}
	tok := c.Subscribe(prefix+"alerts/+", 1, func(_ paho.Client, m paho.Message) {
		ag := m.Topic()[strings.LastIndex(m.Topic(), "/")+1:]
		s.mu.Lock()
		s.got[ag] = append(s.got[ag], bytes.Clone(m.Payload()))
		s.mu.Unlock()
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	return s
}

func (s *rawSink) all(agency string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got[agency]...)
}

// TestSharedAlertFormatsAssetsAcks: one critical alert reaches the three
// agencies each in its format (USCG JSON, SEMAR CAP, CCG CoT), signed; a
// live asset report makes its boat the interceptor; an operator's ack is
// recorded on the alert as a new revision; a bad ack is refused and counted.
func TestSharedAlertFormatsAssetsAcks(t *testing.T) {
	c := testConfig(t, "")
	c.Rules.DarkVessel.Severity = "critical"
	for i := range c.Agencies {
		switch c.Agencies[i].ID {
		case "semar":
			c.Agencies[i].Format = "cap"
		case "ccg":
			c.Agencies[i].Format = "cot"
		}
	}
	r := startDaemon(t, c)
	gw := client(t, r.d.BrokerURL(), "gateway-"+t.Name())
	ops := client(t, r.d.BrokerURL(), "ops-"+t.Name())
	sink := subscribeRaw(t, ops, c.TopicPrefix)

	// A SEMAR interceptor waiting 4 km ahead of the boat.
	boatAt := darkBoat.at(90 * time.Second)
	asset := geo.Destination(boatAt, 0, 4000)
	assetMsg := fmt.Appendf(nil, `{"id":"SEMAR-PANGA-7","agency":"semar","kind":"boat","time":%q,"lat":%.5f,"lon":%.5f,"max_speed_mps":25,"available":true,"response_delay":"1m"}`,
		t0.Format(time.RFC3339), asset.Lat, asset.Lon)
	if tok := gw.Publish(c.TopicPrefix+"assets/semar/SEMAR-PANGA-7", 1, false, assetMsg); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	// An asset report whose topic and payload disagree is refused.
	if tok := gw.Publish(c.TopicPrefix+"assets/uscg/SEMAR-PANGA-7", 1, false, assetMsg); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	waitFor(t, 10*time.Second, func() error {
		if n := r.dropped(dropAssets, "rejected"); n != 1 {
			return fmt.Errorf("rejected asset reports: %v", n)
		}
		return nil
	})

	radarCfg, _ := c.SensorByID("radar-brownsville")
	radar := geo.LLA{Lat: radarCfg.Position.Lat, Lon: radarCfg.Position.Lon, Alt: radarCfg.Position.Alt}
	rng := rand.New(rand.NewPCG(7, 11))
	const step = 2500 * time.Millisecond
	for k := 0; k <= 40; k++ {
		dt := time.Duration(k) * step
		r.clock.Set(t0.Add(dt))
		r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, radarReport(rng, radar, dt))
	}
	r.clock.Set(t0.Add(40*step + 3*time.Second))

	var first alert.Alert
	var firstRaw []byte
	waitFor(t, 15*time.Second, func() error {
		for _, ag := range []string{"uscg", "semar", "ccg"} {
			if len(sink.all(ag)) == 0 {
				return fmt.Errorf("nothing yet on %salerts/%s", c.TopicPrefix, ag)
			}
		}
		return nil
	})
	for _, p := range sink.all("uscg") {
		var a alert.Alert
		if err := json.Unmarshal(p, &a); err != nil {
			t.Fatalf("uscg alert is not JSON: %v\n%s", err, p)
		}
		if a.Rule == alert.RuleDarkVessel {
			first, firstRaw = a, p
			break
		}
	}
	if first.ID == "" {
		t.Fatal("no dark_vessel alert for uscg")
	}
	if first.Severity != "critical" || strings.Join(first.Agencies, ",") != "ccg,semar,uscg" {
		t.Errorf("severity %s agencies %v", first.Severity, first.Agencies)
	}
	if in := first.Intercept; in == nil || in.Asset != "SEMAR-PANGA-7" || in.Agency != "semar" {
		t.Errorf("intercept %+v, want SEMAR-PANGA-7", first.Intercept)
	}

	// Signed by the instance key; any change breaks the signature.
	pub, err := sign.ReadPublicKey(c.Signing.KeyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.Verify(pub, firstRaw); err != nil {
		t.Errorf("signature of %s rev %d: %v", first.ID, first.Rev, err)
	}
	tampered := bytes.Replace(firstRaw, []byte(`"severity":"critical"`), []byte(`"severity":"low"`), 1)
	if err := sign.Verify(pub, tampered); err == nil {
		t.Error("a tampered alert verified")
	}

	// SEMAR's copy is CAP 1.2, CCG's CoT: the track event and the intercept.
	capMsg := string(sink.all("semar")[0])
	for _, want := range []string{"urn:oasis:names:tc:emergency:cap:1.2", "<msgType>Alert</msgType>", "<scope>Restricted</scope>",
		"<addresses>ccg semar uscg</addresses>", first.Sig} {
		if !strings.Contains(capMsg, want) {
			t.Errorf("CAP alert lacks %q:\n%s", want, capMsg)
		}
	}
	var how []string
	for _, p := range sink.all("ccg") {
		s := string(p)
		if !strings.Contains(s, "<event ") {
			t.Fatalf("CCG got something that is not a CoT event:\n%s", s)
		}
		for _, h := range []string{`how="m-f"`, `how="m-p"`} {
			if strings.Contains(s, h) {
				how = append(how, h)
			}
		}
	}
	if !strings.Contains(strings.Join(how, " "), `how="m-f"`) || !strings.Contains(strings.Join(how, " "), `how="m-p"`) {
		t.Errorf("CoT events for CCG: %v, want a track (m-f) and an intercept (m-p)", how)
	}

	// What the agencies received validates against the public schemas.
	lint := xmlschema.Lint(t)
	capSchema := xmlschema.CAP(t)
	_, cotSchema := xmlschema.CoT(t)
	for _, p := range sink.all("semar") {
		if err := xmlschema.Validate(t, lint, capSchema, p); err != nil {
			t.Errorf("SEMAR's CAP alert does not validate: %v\n%s", err, p)
		}
	}
	for _, p := range sink.all("ccg") {
		if err := xmlschema.Validate(t, lint, cotSchema, p); err != nil {
			t.Errorf("CCG's CoT event does not validate: %v\n%s", err, p)
		}
	}

	// An operator's ack goes on the alert: a new revision to all three.
	ack := fmt.Appendf(nil, `{"id":%q,"rev":%d,"by":"USCG-SECTOR-CC-OPS1"}`, first.ID, first.Rev)
	if tok := ops.Publish(c.TopicPrefix+"acks/uscg", 1, false, ack); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	bad := []byte(`{"id":"gulf-1/T999999/dark_vessel","rev":1,"by":"X"}`)
	if tok := ops.Publish(c.TopicPrefix+"acks/semar", 1, false, bad); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	waitFor(t, 10*time.Second, func() error {
		for _, p := range sink.all("uscg") {
			var a alert.Alert
			if json.Unmarshal(p, &a) == nil && a.ID == first.ID && len(a.Acks) == 1 && a.Acks[0].By == "USCG-SECTOR-CC-OPS1" &&
				a.Acks[0].Agency == "uscg" && a.Rev > first.Rev {
				if err := sign.Verify(pub, p); err != nil {
					return fmt.Errorf("acked revision: %v", err)
				}
				return nil
			}
		}
		return fmt.Errorf("no acknowledged revision of %s yet", first.ID)
	})
	waitFor(t, 10*time.Second, func() error {
		if n := r.dropped(dropAcks, "rejected"); n != 1 {
			return fmt.Errorf("rejected acks: %v", n)
		}
		return nil
	})
	if n := testutil.ToFloat64(r.d.metrics.acks.WithLabelValues("uscg")); n != 1 {
		t.Errorf("vigia_acks_total{agency=uscg} = %v, want 1", n)
	}
}
