package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vigia-project/vigia/recording"
)

// directOptions is what an offline (-direct) replay needs.
type directOptions struct {
	Config       string   // configuration file; empty: built-in
	In           []string // recording files, in order
	Out, Picture string   // alerts (JSON Lines); final track picture (GeoJSON), optional
}

// cmdReplay republishes a recording to a broker at a chosen speed, or with
// -direct feeds it straight into the engine (cmdReplayDirect).
func cmdReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "recording files, comma-separated, replayed in that order (.gz allowed)")
	speed := fs.Float64("speed", 1, "replay speed: 1 real time, 10 ten times faster, 0 as fast as the broker acknowledges")
	brokerURL := fs.String("broker", "", "MQTT broker URL to publish to (default: the configuration's broker URL)")
	configPath := fs.String("config", "", "configuration file (default: the built-in configuration)")
	window := fs.Int("window", 1000, "publishes sent ahead of their acknowledgement (order is kept)")
	direct := fs.Bool("direct", false, "offline: the recording straight into the engine on a virtual clock (needs -out)")
	out := fs.String("out", "", "with -direct: write the alerts here, JSON Lines")
	picture := fs.String("picture", "", "with -direct: write the final track picture here, GeoJSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigia replay: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	files := splitCommaList(*in)
	if len(files) == 0 {
		fmt.Fprintln(stderr, "vigia replay: give -in REC[,REC…]")
		return 2
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			fmt.Fprintf(stderr, "vigia replay: %v\n", err)
			return 1
		}
	}
	if *direct {
		for _, name := range []string{"broker", "speed", "window"} {
			if set[name] {
				fmt.Fprintf(stderr, "vigia replay: -%s does not apply with -direct\n", name)
				return 2
			}
		}
		if *out == "" {
			fmt.Fprintln(stderr, "vigia replay: -direct needs -out ALERTS")
			return 2
		}
		return cmdReplayDirect(ctx, directOptions{Config: *configPath, In: files, Out: *out, Picture: *picture}, stdout, stderr)
	}
	if set["out"] || set["picture"] {
		fmt.Fprintln(stderr, "vigia replay: -out and -picture need -direct")
		return 2
	}
	if !(*speed >= 0) || *window <= 0 {
		fmt.Fprintln(stderr, "vigia replay: -speed must be ≥ 0 and -window positive")
		return 2
	}
	opts := recording.ReplayerOptions{Broker: *brokerURL, Speed: *speed, Window: *window}
	if *brokerURL == "" || *configPath != "" {
		cfg, err := loadConfig(*configPath)
		if err != nil {
			fmt.Fprintf(stderr, "vigia replay: %v\n", err)
			return 1
		}
		if *brokerURL == "" {
			if cfg.Broker.URL == "" {
				fmt.Fprintln(stderr, "vigia replay: give -broker URL (the configuration names no external broker)")
				return 2
			}
			opts.Broker, opts.Username, opts.Password = cfg.Broker.URL, cfg.Broker.Username, cfg.Broker.Password
		}
	}
	total, err := recording.CountLines(files...)
	if err != nil {
		fmt.Fprintf(stderr, "vigia replay: %v\n", err)
		return 1
	}
	opts.Total = total
	pp := &recording.ProgressPrinter{W: stdout, Terminal: isTerminal(stdout)}
	opts.Progress = pp.Update
	rp, err := recording.NewReplayer(opts)
	if err != nil {
		fmt.Fprintf(stderr, "vigia replay: %v\n", err)
		return 2
	}
	rd := recording.NewReader(files, nil)
	defer rd.Close()
	p, err := rp.Run(ctx, rd)
	if err != nil && pp.Terminal && p.Sent > 0 {
		fmt.Fprintln(stdout) // end the progress line
	}
	for _, w := range rd.Warnings() {
		fmt.Fprintf(stderr, "vigia replay: warning: %v\n", w)
	}
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "vigia replay: interrupted after %d messages (scene time %s)\n", p.Sent, p.Scene.Format("2006-01-02T15:04:05.000Z"))
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "vigia replay: %v (after %d messages)\n", err, p.Sent)
		return 1
	}
	return 0
}

// isTerminal reports whether w is a terminal (progress is then one line
// rewritten in place).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
