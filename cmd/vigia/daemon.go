package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/vigia-project/vigia/daemon"
)

// cmdRun runs the daemon until a signal.
func cmdRun(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (default: the built-in configuration)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c, err := loadConfig(*path)
	if err != nil {
		fmt.Fprintf(stderr, "vigia run: %v\n", err)
		return 1
	}
	log := newLogger(stderr, c.Log)
	d, err := daemon.New(c, daemon.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "vigia run: %v\n", err)
		return 1
	}
	log.Info("vigia starting", "config", c.File, "instance", c.Instance, "broker", d.BrokerURL(), "http", d.HTTPAddr())
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "vigia run: %v\n", err)
		return 1
	}
	return 0
}
