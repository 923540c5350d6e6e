package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vigia-project/vigia/eval"
)

// cmdEval scores tracks against truth as ../shared/eval/metrics.py does.
func cmdEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tracks := fs.String("tracks", "", "tracks.csv to score (required)")
	truth := fs.String("truth", "", "truth.csv of the scene (required)")
	opt := eval.DefaultOptions()
	fs.Float64Var(&opt.C, "c", opt.C, "GOSPA cut-off distance c (m)")
	fs.Float64Var(&opt.P, "p", opt.P, "GOSPA order p")
	fs.Float64Var(&opt.Interval, "interval", opt.Interval, "epoch interval (s)")
	fs.Float64Var(&opt.Warmup, "warmup", opt.Warmup, "epochs before this time (s) are left out of the steady-state figures")
	asJSON := fs.Bool("json", false, "print one JSON line (as metrics.py --json)")
	plotPath := fs.String("plot", "", "also draw truth against tracks to this file (.svg, .png or .pdf)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *tracks == "" || *truth == "" {
		fmt.Fprintln(stderr, "vigia eval: -tracks and -truth are required")
		return 2
	}
	tk, err := eval.ReadFile(*tracks, eval.TrackID)
	if err != nil {
		fmt.Fprintf(stderr, "vigia eval: %v\n", err)
		return 1
	}
	tr, err := eval.ReadFile(*truth, eval.TruthID)
	if err != nil {
		fmt.Fprintf(stderr, "vigia eval: %v\n", err)
		return 1
	}
	res, err := eval.Score(tk, tr, opt)
	if err != nil {
		fmt.Fprintf(stderr, "vigia eval: %v\n", err)
		return 1
	}
	if *asJSON {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteText(stdout)
	}
	if err == nil && *plotPath != "" {
		err = eval.Plot(tk, tr, filepath.Base(*tracks)+" against "+filepath.Base(*truth), *plotPath)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia eval: %v\n", err)
		return 1
	}
	return 0
}
