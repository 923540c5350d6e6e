package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/internal/gzfile"
	"github.com/vigia-project/vigia/sign"
)

// alertLine is one alert as an operations centre reads it.
func alertLine(agency string, a *alert.Alert) string {
	where := a.Where.Zone
	if a.Where.Country != "" {
		where = a.Where.Country + " " + where
	}
	if h := a.HeadingFor; h != nil {
		where += fmt.Sprintf(" → %s %s by %s", h.Country, h.Zone, clock(h.ETA))
	}
	line := fmt.Sprintf("%s ALERT to %-5s %s rev %d %s [%s]: %s (%s)", clock(a.Time), agency, a.Rule, a.Rev, a.State, a.ID,
		a.Summary, where)
	if in := a.Intercept; in != nil && a.State == alert.StateActive {
		line += fmt.Sprintf("; intercept by %s (%s) at %.4f, %.4f by %s, course %03.0f°", in.Asset, in.Agency, in.Lat, in.Lon,
			clock(in.ETA), in.CourseDeg)
	}
	return line
}

// clock is the time of day of an alert time, or the time as it is when it has none.
func clock(t string) string {
	if len(t) > 11 {
		return t[11:]
	}
	return t
}

// cmdAlerts tails one agency's alert stream (or reads saved alerts) and
// checks each alert's signature.
func cmdAlerts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("alerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	brokerURL := fs.String("broker", "", "MQTT broker URL, e.g. tcp://127.0.0.1:1883")
	agency := fs.String("agency", "", "agency whose alerts to show (uscg, semar, ccg)")
	prefix := fs.String("prefix", "vigia/", "topic prefix")
	verify := fs.String("verify", "", "public key file (PEM, the instance's KEY.pub) to check every alert's signature with")
	in := fs.String("in", "", "read alerts from this file (JSON Lines, one alert a line; .gz allowed) instead of a broker")
	n := fs.Int("n", 0, "stop after this many alerts (0: until interrupted, or the end of -in)")
	dur := fs.Duration("for", 0, "stop after this long (0: until interrupted)")
	raw := fs.Bool("raw", false, "print each payload as received instead of a summary line")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*in == "") == (*brokerURL == "") {
		fmt.Fprintln(stderr, "vigia alerts: give either -broker URL (with -agency) or -in FILE")
		return 2
	}
	if *brokerURL != "" && *agency == "" {
		fmt.Fprintln(stderr, "vigia alerts: -agency is required with -broker")
		return 2
	}
	var pub ed25519.PublicKey
	if *verify != "" {
		var err error
		if pub, err = sign.ReadPublicKey(*verify); err != nil {
			fmt.Fprintf(stderr, "vigia alerts: %v\n", err)
			return 1
		}
	}
	c := &alertChecker{w: stdout, pub: pub, raw: *raw}
	if *in != "" {
		if err := c.file(*in, *n); err != nil {
			fmt.Fprintf(stderr, "vigia alerts: %v\n", err)
			return 1
		}
	} else {
		if *dur > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *dur)
			defer cancel()
		}
		if err := c.tail(ctx, *brokerURL, *prefix+"alerts/"+*agency, *agency, *n); err != nil {
			fmt.Fprintf(stderr, "vigia alerts: %v\n", err)
			return 1
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if pub != nil {
		fmt.Fprintf(stdout, "%d alerts: %d verified, %d rejected, %d not JSON (not checked)\n", c.total, c.ok, c.bad, c.other)
	}
	if c.bad > 0 {
		return 1
	}
	return 0
}

// alertChecker prints alerts and counts signature verdicts.
type alertChecker struct {
	mu                    sync.Mutex
	w                     io.Writer
	pub                   ed25519.PublicKey
	raw                   bool
	total, ok, bad, other int
	done                  chan struct{}
	limit                 int
	closeOnce             sync.Once
}

// check prints one payload with its verdict.
func (c *alertChecker) check(agency string, payload []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	var verdict string
	trimmed := strings.TrimSpace(string(payload))
	isJSON := strings.HasPrefix(trimmed, "{")
	if c.pub != nil {
		switch {
		case !isJSON:
			c.other++
			verdict = " [XML: signature not checked]"
		default:
			if err := sign.Verify(c.pub, []byte(trimmed)); err != nil {
				c.bad++
				verdict = " [REJECTED: " + err.Error() + "]"
			} else {
				c.ok++
				verdict = " [signature ok]"
			}
		}
	}
	switch {
	case c.raw || !isJSON:
		fmt.Fprintf(c.w, "%s%s\n", trimmed, verdict)
	default:
		var a alert.Alert
		if err := json.Unmarshal([]byte(trimmed), &a); err != nil {
			fmt.Fprintf(c.w, "undecodable alert (%v)%s\n", err, verdict)
		} else {
			fmt.Fprintf(c.w, "%s%s\n", alertLine(agency, &a), verdict)
		}
	}
	if c.limit > 0 && c.total >= c.limit && c.done != nil {
		c.closeOnce.Do(func() { close(c.done) })
	}
}

// file checks the alerts saved in a JSON Lines file.
func (c *alertChecker) file(path string, limit int) error {
	f, err := gzfile.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var a struct {
			Agencies []string `json:"agencies"`
		}
		agency := "-"
		if json.Unmarshal(sc.Bytes(), &a) == nil && len(a.Agencies) > 0 {
			agency = strings.Join(a.Agencies, "+")
		}
		c.check(agency, sc.Bytes())
		if limit > 0 && c.total >= limit {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return nil
}

// tail subscribes to an agency's alert topic until ctx ends or limit alerts came.
func (c *alertChecker) tail(ctx context.Context, url, topic, agency string, limit int) error {
	c.done, c.limit = make(chan struct{}), limit
	var b [4]byte
	_, _ = rand.Read(b[:])
	id := "vigia-alerts-" + agency + "-" + hex.EncodeToString(b[:])
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetOrderMatters(true).
		SetAutoReconnect(true).SetConnectRetry(true).SetConnectTimeout(5 * time.Second)
	o.SetOnConnectHandler(func(cl paho.Client) {
		cl.Subscribe(topic, 1, func(_ paho.Client, m paho.Message) { c.check(agency, m.Payload()) })
	})
	cl := paho.NewClient(o)
	tok := cl.Connect()
	select {
	case <-tok.Done():
		if tok.Error() != nil {
			return fmt.Errorf("connect to %s: %w", url, tok.Error())
		}
	case <-ctx.Done():
		return errors.New("interrupted before connecting to " + url)
	}
	defer cl.Disconnect(250)
	select {
	case <-ctx.Done():
	case <-c.done:
	}
	return nil
}
