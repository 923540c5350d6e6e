package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sim"
)

// simDefaultStart is when generated scenes start unless -start says otherwise.
const simDefaultStart = "2026-11-28T06:00:00Z"

// cmdSim generates a recorded multi-sensor scene (SPEC §6): every message
// the simulated gateways and assets publish from the scene start for -for
// (default the scene's scripted duration), as a recording (SPEC §7, gzipped
// when -out ends in .gz), and optionally the ground truth as CSV.
func cmdSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "", "built-in scene ("+strings.Join(sim.SceneNames(), ", ")+") or a scene file (.yaml, see sim/SCENES.md) (required)")
	out := fs.String("out", "", "recording to write (JSON Lines; gzipped when it ends in .gz) (required)")
	truth := fs.String("truth", "", "also write the ground truth to this CSV file")
	truthStep := fs.Duration("truth-step", time.Second, "interval of the truth rows")
	seed := fs.Uint64("seed", 1, "random seed: the same scene, start and seed give the same recording")
	dur := fs.Duration("for", 0, "how much scene time to generate (default the scene's scripted duration)")
	startS := fs.String("start", simDefaultStart, "scene start time, RFC 3339")
	prefix := fs.String("prefix", "vigia/", "topic prefix")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vigia sim -scenario NAME|FILE.yaml -out REC [-truth CSV] [-seed N] [-for DUR] [-start RFC3339] [-prefix vigia/]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scenario == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "vigia sim: -scenario and -out are required, and nothing else")
		return 2
	}
	start, err := time.Parse(time.RFC3339, *startS)
	if err != nil {
		fmt.Fprintf(stderr, "vigia sim: -start: %v\n", err)
		return 2
	}
	if *dur < 0 || *truthStep <= 0 {
		fmt.Fprintln(stderr, "vigia sim: -for must be ≥ 0 and -truth-step positive")
		return 2
	}
	var s *sim.Scene
	if _, statErr := os.Stat(*scenario); !slices.Contains(sim.SceneNames(), *scenario) &&
		(statErr == nil || strings.HasSuffix(*scenario, ".yaml") || strings.HasSuffix(*scenario, ".yml")) {
		s, err = sim.LoadScene(*scenario, start)
	} else {
		s, err = sim.Named(*scenario, start)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia sim: %v\n", err)
		return 1
	}
	length := *dur
	if length == 0 {
		length = s.Duration
	}
	g, err := sim.NewGenerator(s, *seed, *prefix)
	if err != nil {
		fmt.Fprintf(stderr, "vigia sim: %v\n", err)
		return 1
	}
	sum, err := writeRecording(ctx, g, s.Start.Add(length), *out)
	if err != nil {
		fmt.Fprintf(stderr, "vigia sim: %v\n", err)
		return 1
	}
	if *truth != "" {
		if err := writeTruth(s, s.Start, s.Start.Add(length), *truthStep, *truth); err != nil {
			fmt.Fprintf(stderr, "vigia sim: %v\n", err)
			return 1
		}
	}
	sum.print(stdout, s, *seed, *out, *truth)
	return 0
}

// simSummary counts what a run wrote.
type simSummary struct {
	total       int
	first, last time.Time
	byTopic     map[string]int
}

func (m *simSummary) print(w io.Writer, s *sim.Scene, seed uint64, out, truth string) {
	fmt.Fprintf(w, "scene %s (seed %d): %d messages from %s to %s (%s) in %s\n", s.Name, seed, m.total,
		m.first.Format(time.RFC3339), m.last.Format(time.RFC3339), m.last.Sub(m.first).Round(time.Second), out)
	topics := make([]string, 0, len(m.byTopic))
	for t := range m.byTopic {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	for _, t := range topics {
		fmt.Fprintf(w, "  %7d  %s\n", m.byTopic[t], t)
	}
	if truth != "" {
		fmt.Fprintf(w, "truth: %d targets in %s\n", len(s.Targets), truth)
	}
	if s.Region != "" {
		fmt.Fprintf(w, "replay against the %q configuration (config/builtin", s.Region)
		if s.Region != "rio-grande" {
			fmt.Fprintf(w, "-%s", s.Region)
		}
		fmt.Fprintln(w, ".yaml)")
	}
}

// writeRecording writes every message before end to path: one recording
// entry per message (time = the message's, QoS 1).
func writeRecording(ctx context.Context, g *sim.Generator, end time.Time, path string) (sum simSummary, err error) {
	f, err := os.Create(path)
	if err != nil {
		return sum, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	var w io.Writer = bw
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	sum.byTopic = map[string]int{}
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return sum, ctx.Err()
		}
		m := g.Next()
		if !m.Time.Before(end) {
			break
		}
		e := recording.Entry{Time: m.Time, Topic: m.Topic, QoS: 1, Payload: m.Payload}
		line, err := e.MarshalLine()
		if err != nil {
			return sum, err
		}
		if _, err := w.Write(line); err != nil {
			return sum, err
		}
		if sum.total == 0 {
			sum.first = m.Time
		}
		sum.total++
		sum.last = m.Time
		sum.byTopic[m.Topic]++
	}
	if sum.total == 0 {
		return sum, errors.New("the scene produced no message in that time")
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return sum, err
		}
	}
	return sum, bw.Flush()
}

// writeTruth writes the scene's truth CSV.
func writeTruth(s *sim.Scene, from, to time.Time, step time.Duration, path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := s.WriteTruthCSV(bw, from, to, step); err != nil {
		return err
	}
	return bw.Flush()
}
