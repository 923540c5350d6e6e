package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
)

// cmdCheck validates a configuration and prints every setting with its source.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (default: the built-in configuration)")
	quiet := fs.Bool("q", false, "print only the verdict")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c, err := loadConfig(*path)
	if err != nil {
		fmt.Fprintf(stderr, "vigia check: %v\n", err)
		return 1
	}
	if !*quiet {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
		for _, s := range c.Settings() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Path, s.Value, s.Source)
		}
		tw.Flush()
	}
	fmt.Fprintf(stdout, "%s: ok (%d sensors, %d agencies, %d assets)\n", c.File, len(c.Sensors), len(c.Agencies), len(c.Assets))
	return 0
}
