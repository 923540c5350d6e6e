package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sensors"
)

const testTopic = "vigia/obs/ais/test"

// collect imports r and checks what every import must hold: entries in
// order with non-decreasing times, on the topic, that survive a round trip
// through a recording line; First/Last/Entries agree with the entries.
func collect(t *testing.T, r io.Reader, o Options) ([]recording.Entry, *Result, error) {
	t.Helper()
	if o.Topic == "" {
		o.Topic = testTopic
	}
	var out []recording.Entry
	res, err := Import(context.Background(), r, o, func(e recording.Entry) error {
		b, err := e.MarshalLine()
		if err != nil {
			return err
		}
		back, err := recording.UnmarshalLine(bytes.TrimSuffix(b, []byte{'\n'}))
		if err != nil {
			return err
		}
		if !back.Time.Equal(e.Time) || back.Topic != e.Topic || back.QoS != e.QoS || !bytes.Equal(back.Payload, e.Payload) {
			t.Errorf("round trip: %+v became %+v", e, back)
		}
		out = append(out, e)
		return nil
	})
	if res == nil {
		t.Fatal("nil Result")
	}
	for i, e := range out {
		if e.Topic != o.Topic || e.QoS != o.QoS {
			t.Fatalf("entry %d: topic %q QoS %d", i, e.Topic, e.QoS)
		}
		if i > 0 && e.Time.Before(out[i-1].Time) {
			t.Fatalf("entry %d at %s, before entry %d at %s", i, e.Time, i-1, out[i-1].Time)
		}
		if len(e.Payload) == 0 {
			t.Fatalf("entry %d: empty payload", i)
		}
	}
	if res.Entries != len(out) {
		t.Errorf("Result.Entries %d, %d entries", res.Entries, len(out))
	}
	if len(out) > 0 && (!res.First.Equal(out[0].Time) || !res.Last.Equal(out[len(out)-1].Time)) {
		t.Errorf("Result First/Last %s/%s, entries %s/%s", res.First, res.Last, out[0].Time, out[len(out)-1].Time)
	}
	return out, res, err
}

// importShared imports a file of ../shared/data.
func importShared(t *testing.T, rel string, o Options) ([]recording.Entry, *Result) {
	t.Helper()
	f, err := os.Open(shareddata.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, res, err := collect(t, f, o)
	if err != nil {
		t.Fatalf("%s: %v\n%s", rel, err, res.Summary())
	}
	t.Logf("%s:\n%s", rel, res.Summary())
	return out, res
}

func importTestdata(t *testing.T, name string, o Options) ([]recording.Entry, *Result, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return collect(t, f, o)
}

// decoded is one entry's decoding.
type decoded struct {
	entry   recording.Entry
	reports []sensors.Report
}

// decodeAll feeds the entries to a decoder at their times, as the daemon
// would, and returns the reports of each and the errors by reason.
func decodeAll(t *testing.T, d sensors.Decoder, entries []recording.Entry) ([]decoded, map[string]int) {
	t.Helper()
	reasons := map[string]int{}
	out := make([]decoded, 0, len(entries))
	for _, e := range entries {
		reps, errs := d.Decode(nil, e.Payload, e.Time)
		for _, err := range errs {
			var se *sensors.Error
			if !errors.As(err, &se) {
				t.Fatalf("%T is not a *sensors.Error: %v", err, err)
			}
			reasons[se.Reason]++
		}
		out = append(out, decoded{e, reps})
	}
	return out, reasons
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func eqCounts(a, b map[string]int) bool {
	n := 0
	for k, v := range a {
		if v != 0 {
			n++
			if b[k] != v {
				return false
			}
		}
	}
	for _, v := range b {
		if v != 0 {
			n--
		}
	}
	return n == 0
}
