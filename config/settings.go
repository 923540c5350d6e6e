package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Setting is one leaf setting with its effective value and where it came from.
type Setting struct {
	Path   string // e.g. "tracker.gate_chi2", "sensors[0].id"
	Value  string
	Source string // "FILE:LINE" when given in the file, else "default"
}

// Settings lists every leaf setting in order, with the place it came from,
// so `vigia check` can show an operator what is in force and why.
func (c *Config) Settings() []Setting {
	var out []Setting
	c.walk(reflect.ValueOf(c).Elem(), "", &out)
	return out
}

var durationType = reflect.TypeOf(time.Duration(0))

func (c *Config) walk(v reflect.Value, path string, out *[]Setting) {
	switch {
	case v.Type() == durationType:
		c.leaf(path, v.Interface().(time.Duration).String(), out)
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			c.leaf(path, "(none)", out)
			return
		}
		c.walk(v.Elem(), path, out)
	case v.Kind() == reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			p := tag
			if path != "" {
				p = path + "." + tag
			}
			c.walk(v.Field(i), p, out)
		}
	case v.Kind() == reflect.Slice:
		if v.Len() == 0 {
			c.leaf(path, "[]", out)
		}
		for i := 0; i < v.Len(); i++ {
			c.walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		val := fmt.Sprint(v.Interface())
		if (strings.HasSuffix(path, "password") || strings.HasSuffix(path, ".token")) && val != "" {
			val = "(set)"
		}
		c.leaf(path, val, out)
	}
}

func (c *Config) leaf(path, val string, out *[]Setting) {
	src := "default"
	if l, ok := c.sources[path]; ok {
		src = fmt.Sprintf("%s:%d", c.File, l)
	}
	*out = append(*out, Setting{Path: path, Value: val, Source: src})
}
