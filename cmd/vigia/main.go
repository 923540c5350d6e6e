// Command vigia is the Vigia surveillance daemon and its tools:
//
//	vigia demo  [-for DUR] [-http ADDR] [-speed X]   the whole system on one machine
//	vigia run   [-config FILE]                       the daemon
//	vigia check [-config FILE]                       validate a configuration and show its settings
//	vigia alerts -broker URL -agency AG [-verify KEY] tail an agency's alerts, checking signatures
//
// main only wires: the work is in the packages.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/vigia-project/vigia/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: vigia <command> [flags]

commands:
  demo   [-for DUR] [-http ADDR] [-speed X] [-seed N] [-mqtt ADDR] [-v]
         embedded broker, simulated Rio Grande scene, the daemon; prints alerts as they are raised
  run    [-config FILE]   the daemon (built-in configuration when -config is not given)
  check  [-config FILE]   validate a configuration; print every setting and where it came from
  alerts -broker URL -agency AG [-verify KEY.pub] [-n N] [-for DUR] [-raw]
  alerts -in ALERTS.jsonl [-verify KEY.pub]
         tail one agency's alert stream (or read saved alerts), checking each signature
  record -broker URL -topics FILTER[,FILTER…] -out REC [-rotate-size N] [-rotate-every DUR]
         record live feeds (SPEC §7 recording, .gz to gzip)
  replay -in REC [-speed X] [-broker URL] [-config FILE]
         republish a recording at X× speed (0: as fast as possible)
  replay -in REC -direct -out ALERTS.jsonl [-picture GEOJSON] [-config FILE]
         the recording straight through the engine on a virtual clock (byte-identical output)
  import -format nmea|sbs|asterix -sensor ID -in FILE -out REC [-start T]
         turn a receiver's log into a recording, times reconstructed
  sim    -scenario rio-grande|tijuana|juan-de-fuca|FILE.yaml -out REC [-truth CSV] [-seed N] [-for DUR]
         generate a recorded multi-sensor scene, as its gateways would publish it, with its truth
  bench  [-mosquitto | -broker URL] [-rates R1,R2,…] [-step DUR] [-qos 0|1] [-json]
         load through a real broker: highest sustained detections/s with zero drops, alert latency at 10k det/s
  track  -detections CSV -scenario JSON -out CSV [-config FILE]
         run the engine on an evaluation scene (SPEC §8)
  eval   -tracks CSV -truth CSV [-json] [-plot FILE.svg]
         score tracks against truth: GOSPA, track counts, ID switches (as metrics.py)

Run 'vigia <command> -h' for a command's flags.
`

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "alerts":
		return cmdAlerts(ctx, args[1:], stdout, stderr)
	case "record":
		return cmdRecord(ctx, args[1:], stdout, stderr)
	case "replay":
		return cmdReplay(ctx, args[1:], stdout, stderr)
	case "import":
		return cmdImport(ctx, args[1:], stdout, stderr)
	case "sim":
		return cmdSim(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "track":
		return cmdTrack(args[1:], stdout, stderr)
	case "eval":
		return cmdEval(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "vigia: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// loadConfig reads path, or the built-in configuration when path is empty.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Builtin()
	}
	return config.Load(path)
}

// newLogger returns the structured logger the configuration asks for.
func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
