package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/vigia-project/vigia/daemon"
	"github.com/vigia-project/vigia/fusion/scene"
)

// cmdTrack runs the engine on an evaluation scene (SPEC §8).
func cmdTrack(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("track", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dets := fs.String("detections", "", "detections.csv of the scene (required)")
	scn := fs.String("scenario", "", "scenario.json of the scene (required)")
	out := fs.String("out", "", "tracks.csv to write (required)")
	cfgPath := fs.String("config", "", "configuration whose tracker settings to use (default: the built-in configuration)")
	interval := fs.Float64("interval", 5, "epoch interval of tracks.csv, seconds")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dets == "" || *scn == "" || *out == "" {
		fmt.Fprintln(stderr, "vigia track: -detections, -scenario and -out are required")
		return 2
	}
	c, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "vigia track: %v\n", err)
		return 1
	}
	sc, err := scene.ReadScenario(*scn)
	if err != nil {
		fmt.Fprintf(stderr, "vigia track: %v\n", err)
		return 1
	}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "vigia track: %v\n", err)
			return 1
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(stderr, "vigia track: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	t0 := time.Now()
	scans, err := scene.ReadDetections(*dets)
	if err != nil {
		fmt.Fprintf(stderr, "vigia track: %v\n", err)
		return 1
	}
	parse := time.Since(t0)
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintf(stderr, "vigia track: %v\n", err)
		return 1
	}
	st, err := scene.Run(sc, scans, daemon.EngineParams(c), *interval, sc.DurationS, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia track: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d detections in %d scans; engine %s (%.0f detections/s); CSV parsing %s\n",
		st.Detections, st.Scans, st.Engine.Round(time.Millisecond), float64(st.Detections)/st.Engine.Seconds(), parse.Round(time.Millisecond))
	return 0
}
