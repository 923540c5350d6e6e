package nmea

import (
	"testing"

	"github.com/vigia-project/vigia/sensors"
)

// BenchmarkPositionSentence decodes a single-sentence type 1 position report.
func BenchmarkPositionSentence(b *testing.B) {
	d := NewDecoder(Options{Sensor: "bench"})
	line := []byte("!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30")
	reps := make([]sensors.Report, 0, 1)
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		var errs []error
		reps, errs = d.Decode(reps[:0], line, epoch)
		if len(reps) != 1 || len(errs) != 0 {
			b.Fatal(reps, errs)
		}
	}
}

// BenchmarkFile decodes the AISHub-like gpsd type 6 log, line by line.
func BenchmarkFile(b *testing.B) {
	lines, _ := readLines(b, "testdata/gpsd-ais/ais-nmea-type6-fid55.log")
	payloads := make([][]byte, len(lines))
	for i, l := range lines {
		payloads[i] = []byte(l)
	}
	d := NewDecoder(Options{Sensor: "bench"})
	var reps []sensors.Report
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range payloads {
			reps, _ = d.Decode(reps[:0], p, epoch)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(payloads)), "ns/line")
}
