package config

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed builtin.yaml
var builtinYAML []byte

// builtinFS holds the built-in configurations of every simulated region:
// builtin.yaml (the Rio Grande, the default) and builtin-{region}.yaml.
//
//go:embed builtin*.yaml
var builtinFS embed.FS

// BuiltinRegion returns the built-in configuration of a simulated region:
// "rio-grande" (the same as Builtin), "tijuana" or "juan-de-fuca". Each
// region has its own instance name, tangent-plane origin, sensors and assets:
// one instance owns one region (SPEC §9).
func BuiltinRegion(region string) (*Config, error) {
	if region == "" || region == "rio-grande" {
		return Builtin()
	}
	name := "builtin-" + region + ".yaml"
	data, err := builtinFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("config: no built-in configuration for region %q (have: %s)", region, strings.Join(BuiltinRegions(), ", "))
	}
	return Parse(data, BuiltinName+":"+region)
}

// BuiltinRegions lists the regions with a built-in configuration.
func BuiltinRegions() []string {
	out := []string{"rio-grande"}
	entries, _ := builtinFS.ReadDir(".")
	for _, e := range entries {
		if r, ok := strings.CutPrefix(e.Name(), "builtin-"); ok {
			out = append(out, strings.TrimSuffix(r, ".yaml"))
		}
	}
	return out
}

// BuiltinName is the File of the built-in configuration.
const BuiltinName = "builtin"

// Builtin returns the built-in configuration: the demo deployment off the Rio Grande.
func Builtin() (*Config, error) {
	return Parse(builtinYAML, BuiltinName)
}

// BuiltinYAML returns the text of the built-in configuration.
func BuiltinYAML() []byte { return bytes.Clone(builtinYAML) }

// Load reads, defaults and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// Error is one problem in a configuration: where (file, line, key) and what.
type Error struct {
	File string
	Line int // 0 when unknown
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
var lineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes a configuration strictly (unknown keys are errors), fills
// defaults and validates it. name is used in error messages. All problems
// found are returned together, joined.
func Parse(data []byte, name string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErr(name, err)
	}
	c := &Config{File: name, sources: map[string]int{}}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty configuration"}
	}
	collectSources(root.Content[0], "", c.sources)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlErr(name, err)
	}
	c.applyDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlErr turns a yaml error into Errors that name the file, line and key.
func yamlErr(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := err.Error()
		if m := lineMsg.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return &Error{File: name, Line: line, Msg: m[2]}
		}
		return &Error{File: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	var errs []error
	for _, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			line, _ := strconv.Atoi(m[1])
			typ := m[3][strings.LastIndex(m[3], ".")+1:]
			errs = append(errs, &Error{File: name, Line: line, Key: m[2],
				Msg: fmt.Sprintf("unknown key %q (not a setting of %s; check its spelling)", m[2], strings.ToLower(typ))})
			continue
		}
		if m := lineMsg.FindStringSubmatch(e); m != nil {
			line, _ := strconv.Atoi(m[1])
			errs = append(errs, &Error{File: name, Line: line, Msg: m[2]})
			continue
		}
		errs = append(errs, &Error{File: name, Msg: e})
	}
	return errors.Join(errs...)
}

// collectSources records the line of every key set in the file, by path
// ("tracker.gate_chi2", "sensors[0].id").
func collectSources(n *yaml.Node, path string, out map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			out[p] = k.Line
			collectSources(v, p, out)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			out[p] = v.Line
			collectSources(v, p, out)
		}
	}
}

// Line returns the line a setting was given on, or 0 when it was not in the file.
func (c *Config) Line(path string) int { return c.sources[path] }
