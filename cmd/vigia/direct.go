package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/daemon"
	"github.com/vigia-project/vigia/recording"
)

// cmdReplayDirect runs a recording straight through the daemon's pipeline
// on a virtual clock (no broker): the alert revisions as JSON Lines to
// o.Out, the final picture as GeoJSON to o.Picture.
func cmdReplayDirect(ctx context.Context, o directOptions, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "vigia replay: %v\n", err)
		return 1
	}
	if o.Out == "" {
		fmt.Fprintln(stderr, "vigia replay: -direct needs -out ALERTS (JSON Lines)")
		return 2
	}
	if len(o.In) == 0 {
		fmt.Fprintln(stderr, "vigia replay: -in REC is required")
		return 2
	}
	cfg, err := replayConfig(o.Config, o.In)
	if err != nil {
		return fail(err)
	}
	log := newLogger(stderr, config.Log{Level: "warn", Format: "text"})
	f, err := os.Create(o.Out)
	if err != nil {
		return fail(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r, err := daemon.NewReplay(cfg, nil, log, func(_ *alert.Alert, payload []byte) error {
		w.Write(payload)
		return w.WriteByte('\n')
	})
	if err != nil {
		f.Close()
		return fail(err)
	}
	start := time.Now()
	rd := recording.NewReader(o.In, log)
	defer rd.Close()
	var n int64
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return fail(err)
		}
		if n++; n%4096 == 0 && ctx.Err() != nil {
			f.Close()
			return fail(fmt.Errorf("interrupted after %d messages", n))
		}
		if err := r.Feed(e.Topic, e.Payload, e.Time); err != nil {
			f.Close()
			return fail(err)
		}
	}
	st, err := r.Finish()
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	if o.Picture != "" {
		pf, err := os.Create(o.Picture)
		if err != nil {
			return fail(err)
		}
		err = r.WritePicture(pf)
		if cerr := pf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(err)
		}
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "replayed %d messages of %s (configuration %s, instance %s) in %s: %d reports, %d detections (%.0f/s), %d dropped, %d alert revisions → %s\n",
		st.Messages, joinNames(o.In), cfg.File, cfg.Instance, el.Round(time.Millisecond), st.Reports, st.Detections,
		float64(st.Detections)/el.Seconds(), st.Dropped, st.Alerts, o.Out)
	for _, wn := range rd.Warnings() {
		fmt.Fprintf(stderr, "vigia replay: warning: %v\n", wn)
	}
	return 0
}

func joinNames(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return fmt.Sprintf("%s and %d more", s[0], len(s)-1)
}

// replayConfig is the configuration a recording replays against: the file
// given, or the built-in region whose sensors publish on most of the
// recording's first topics.
func replayConfig(path string, in []string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	topics := map[string]bool{}
	rd := recording.NewReader(in, nil)
	defer rd.Close()
	for i := 0; i < 5000; i++ {
		e, err := rd.Next()
		if err != nil {
			break
		}
		topics[e.Topic] = true
	}
	var best *config.Config
	bestN := -1
	for _, region := range config.BuiltinRegions() {
		c, err := config.BuiltinRegion(region)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, s := range c.Sensors {
			if topics[s.Topic] {
				n++
			}
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	if bestN <= 0 {
		return nil, fmt.Errorf("no built-in configuration has a sensor on the recording's topics: give -config FILE")
	}
	return best, nil
}
